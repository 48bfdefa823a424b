// 4-level x86_64 page tables. One table serves kernel and program alike
// (DESIGN.md principle 3): the program in the lower half with the user bit,
// the kernel in the upper half without it.
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

// Maps one 4 KiB page; false when a page-table page could not be allocated.
bool map(uint64_t va, uint64_t pa, uint64_t flags);
// Clears the mapping and returns the old entry (0 if none).
uint64_t unmap(uint64_t va);
// The leaf entry for va, or nullptr when no 4 KiB table covers it.
uint64_t* lookup(uint64_t va);
void flush(uint64_t va);
// Uncached mapping of device memory into the kernel's MMIO window.
void* map_mmio(uint64_t pa, uint64_t size);

}  // namespace kiln::paging
