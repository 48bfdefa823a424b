// The program's memory: VMAs backed lazily by zeroed frames on first touch.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

struct AddressSpace;
namespace fs {
class FileSystem;
class Node;
}

enum class FaultResult { Handled, Segv, Bus, OutOfMemory };  // Bus: past a mapped file's end

// A page fault at a user address. `write`/`exec` describe the access.
FaultResult handle_user_fault(uint64_t addr, bool write, bool exec);
// Maps [start, end) as an anonymous area (used by the ELF loader, the stack).
[[nodiscard]] long vm_map_anonymous(uint64_t start, uint64_t end, uint32_t prot, uint32_t vma_flags);
// Maps [start, end) onto physical memory starting at `backing` (the
// payload): read-only pages are used in place, writable ones copied on touch.
[[nodiscard]] long vm_map_backed(uint64_t start, uint64_t end, uint32_t prot, uint32_t vma_flags,
                   uint64_t backing);
// Fills [start, end) now, as first touches would: false when out of memory.
bool vm_populate(uint64_t start, uint64_t end);
uint64_t vm_resident_pages();
// A new space's bookkeeping; freeing everything mapped in one (it need not
// be the active space); fork's copy of `from` into the empty `to`, private
// pages shared copy-on-write (false when memory ran out: `to` is then
// partly filled, release it).
void vm_init_space(AddressSpace& m);
void vm_release_space(AddressSpace& m);
// Unmaps every file mapping of `m` (at exit, before the volumes go).
void vm_release_files(AddressSpace& m);
bool vm_copy_space(AddressSpace& from, AddressSpace& to);
// A store into a space that need not be the active one (fork's
// CLONE_CHILD_SETTID): a copy-on-write page gets its own frame first.
// False if the word is not in writable, present private memory.
bool vm_store_u32_in(AddressSpace& m, uint64_t va, uint32_t value);
// One line describing memory use, for out-of-memory reports.
void vm_report_oom(uint64_t addr);

// mmap (file/sys_mmap.cpp looks at the descriptor): its checks of the
// arguments, made before the descriptor is (the order Linux reports errors
// in), then the mapping of anonymous memory (file nullptr) or of a file.
[[nodiscard]] long vm_mmap_check(uint64_t len, uint64_t prot, uint64_t flags, uint64_t off);
[[nodiscard]] long vm_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, fs::Node* file,
             bool may_write, uint64_t off);
[[nodiscard]] long sys_munmap(uint64_t addr, uint64_t len);
[[nodiscard]] long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot);
[[nodiscard]] long sys_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
                uint64_t new_addr);
[[nodiscard]] long sys_brk(uint64_t addr);
[[nodiscard]] long sys_madvise(uint64_t addr, uint64_t len, uint64_t advice);
[[nodiscard]] long sys_msync(uint64_t addr, uint64_t len, uint64_t flags);

// Files with MAP_SHARED mappings (vm_shared.cpp): their resident pages are
// the newest copy of those bytes, so the file calls go through them.
// read(): buf holds the file system's bytes [off, off + n); made current.
void vm_file_overlay(fs::Node* node, uint64_t off, uint8_t* buf, size_t n);
// write() of [off, off + n) succeeded: the pages take the bytes too.
void vm_file_written(fs::Node* node, uint64_t off, const uint8_t* buf, size_t n);
// Before a write() that may grow the file to `end`: what lay past the old
// end in its last page must read as zeros.
void vm_file_growing(fs::Node* node, uint64_t end);
// truncate, ftruncate, O_TRUNC: sets the size; pages past the new end leave
// every mapping (a touch there is SIGBUS, as on Linux).
[[nodiscard]] long vm_set_file_size(fs::Node* node, uint64_t size);
// Whether some MAP_SHARED mapping of `node` may write to it (made from a
// descriptor open for writing): what F_SEAL_WRITE must wait for (EBUSY).
bool vm_file_mapped_writable(fs::Node* node);
// fsync: dirty shared pages go to the file system first.
[[nodiscard]] long vm_file_write_back(fs::Node* node);
// sync (only: nullptr) and syncfs: the same for every file (of `only`).
[[nodiscard]] long vm_files_write_back(fs::FileSystem* only);

}  // namespace kiln
