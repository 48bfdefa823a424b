// Physical memory for the kernel: frames from the page allocator, reached
// through the direct map.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/page_alloc.h"

namespace kiln {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kDirectMapBase = 0xffff800000000000ull;
inline constexpr uint64_t kKernelBase = 0xffffffff80000000ull;
// Kernel thread stacks, each under an unmapped guard page (core/thread.cpp).
inline constexpr uint64_t kStackRegion = 0xffffc00000000000ull;

inline void* phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa + kDirectMapBase); }
inline uint64_t virt_to_phys(const void* va) {
  auto v = reinterpret_cast<uint64_t>(va);
  return v >= kKernelBase ? v - kKernelBase : v - kDirectMapBase;
}
inline uint64_t page_align_up(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }
inline uint64_t page_align_down(uint64_t v) { return v & ~(kPageSize - 1); }

PageAllocator& page_allocator();
// One zeroed frame; returns its physical address, 0 when memory is exhausted.
uint64_t alloc_frame();
uint64_t alloc_frames(uint64_t count);  // contiguous, not zeroed
void free_frames(uint64_t pa, uint64_t count = 1);
uint64_t total_ram_bytes();

// Copy-on-write sharing of a program's private frames (mm/vm.cpp).
// frame_share: one more page-table entry maps the frame (false when it
// cannot be counted: copy it instead). frame_put: an entry stops mapping
// it; the last one frees it (true then).
bool frame_share(uint64_t pa);
bool frame_shared(uint64_t pa);
bool frame_put(uint64_t pa);

// Sets up the allocator from the boot memory map, excluding everything
// below `reserved_end` (kernel, payload, boot data).
struct RamRegion { uint64_t base, size; };
void init_physical_memory(const RamRegion* regions, size_t count, uint64_t reserved_end);

}  // namespace kiln
