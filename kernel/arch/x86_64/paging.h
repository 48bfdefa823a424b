// 4-level x86_64 page tables. Each process has its own lower half (user
// pages, with the user bit); the kernel's upper half is the same in every
// address space (DESIGN.md principle 3: a syscall switches no tables).
#pragma once

#include <stdint.h>

namespace kiln::paging {

inline constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4, kWriteThrough = 8,
                          kCacheDisable = 16, kAccessed = 32, kDirty = 64, kHuge = 128,
                          kGlobal = 256, kNoExecute = 1ull << 63;
inline constexpr uint64_t kAddrMask = 0x000ffffffffff000ull;
inline constexpr uint64_t kUserTop = 0x0000800000000000ull;

// Builds the final tables: a direct map of RAM up to `ram_top`, the kernel
// image with text RX, rodata R, data RW+NX; then switches to them.
void init(uint64_t ram_top);

// Address spaces, named by the physical address of their top table. A new
// space shares the kernel's upper half: the kernel's top-level entries are
// all made at init() and never change, so every space sees every later
// kernel mapping.
uint64_t kernel_space();
uint64_t create_space();  // 0 when out of memory
// Frees the page-table pages of the lower half; the frames they mapped must
// have been released already. Not the active space.
void destroy_space(uint64_t space);
void activate(uint64_t space);  // loads CR3 unless it is already active
uint64_t active_space();

// Maps one 4 KiB page (a user address: in the active space; a kernel one:
// in all); false when a page-table page could not be allocated.
bool map(uint64_t va, uint64_t pa, uint64_t flags);
// The same in another space (fork fills the child's while the parent runs).
bool map_in(uint64_t space, uint64_t va, uint64_t pa, uint64_t flags);
uint64_t* lookup_in(uint64_t space, uint64_t va);
// Clears the mapping and returns the old entry (0 if none).
uint64_t unmap(uint64_t va);
// The leaf entry for va, or nullptr when no 4 KiB table covers it.
uint64_t* lookup(uint64_t va);
void flush(uint64_t va);
// Uncached mapping of device memory into the kernel's MMIO window.
void* map_mmio(uint64_t pa, uint64_t size);

}  // namespace kiln::paging
