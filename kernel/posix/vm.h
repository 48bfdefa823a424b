// The program's memory: VMAs backed lazily by zeroed frames on first touch.
#pragma once

#include <stdint.h>

namespace kiln {

struct AddressSpace;

enum class FaultResult { Handled, Segv, OutOfMemory };

// A page fault at a user address. `write`/`exec` describe the access.
FaultResult handle_user_fault(uint64_t addr, bool write, bool exec);
// Maps [start, end) as an anonymous area (used by the ELF loader, the stack).
long vm_map_anonymous(uint64_t start, uint64_t end, uint32_t prot, uint32_t vma_flags);
// Maps [start, end) onto physical memory starting at `backing` (the
// payload): read-only pages are used in place, writable ones copied on touch.
long vm_map_backed(uint64_t start, uint64_t end, uint32_t prot, uint32_t vma_flags,
                   uint64_t backing);
// Fills [start, end) now, as first touches would: false when out of memory.
bool vm_populate(uint64_t start, uint64_t end);
uint64_t vm_resident_pages();
// A new space's bookkeeping; freeing everything mapped in one (it need not
// be the active space); fork's copy of `from` into the empty `to` (false
// when memory ran out: `to` is then partly filled, release it).
void vm_init_space(AddressSpace& m);
void vm_release_space(AddressSpace& m);
// Unmaps every file mapping of `m` (at exit, before the volumes go).
void vm_release_files(AddressSpace& m);
bool vm_copy_space(const AddressSpace& from, AddressSpace& to);
// One line describing memory use, for out-of-memory reports.
void vm_report_oom(uint64_t addr);

long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
              uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot);
long sys_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
                uint64_t new_addr);
long sys_brk(uint64_t addr);
long sys_madvise(uint64_t addr, uint64_t len, uint64_t advice);

}  // namespace kiln
