#include "core/memory.h"

#include "core/console.h"
#include "core/frame_refs.h"
#include "core/panic.h"
#include "lib/mem.h"

namespace kiln {
namespace {

PageAllocator g_pages;
FrameRefs g_refs;
uint64_t g_total_ram;

}  // namespace

PageAllocator& page_allocator() { return g_pages; }
uint64_t total_ram_bytes() { return g_total_ram; }

void init_physical_memory(const RamRegion* regions, size_t count, uint64_t reserved_end) {
  uint64_t top = 0;
  for (size_t i = 0; i < count; i++) {
    if (regions[i].base + regions[i].size > top) top = regions[i].base + regions[i].size;
    g_total_ram += regions[i].size;
  }
  uint64_t frames = top / kPageSize;
  // The bitmap lives in the first free frames above the reserved area;
  // the boot page tables map the first GiB, which is where that is.
  uint64_t bitmap_pa = page_align_up(reserved_end);
  uint64_t bitmap_bytes = page_align_up(PageAllocator::bitmap_words(frames) * 8);
  g_pages.init(static_cast<uint64_t*>(phys_to_virt(bitmap_pa)), frames);
  // The sharing counts follow it, a byte per frame.
  uint64_t refs_pa = bitmap_pa + bitmap_bytes, refs_bytes = page_align_up(frames);
  memset(phys_to_virt(refs_pa), 0, refs_bytes);
  g_refs.init(static_cast<uint8_t*>(phys_to_virt(refs_pa)), frames);
  uint64_t first_free = (refs_pa + refs_bytes) / kPageSize;
  for (size_t i = 0; i < count; i++) {
    uint64_t lo = page_align_up(regions[i].base) / kPageSize;
    uint64_t hi = page_align_down(regions[i].base + regions[i].size) / kPageSize;
    if (lo < first_free) lo = first_free;
    if (hi > lo) g_pages.free_range(lo, hi - lo);
  }
}

uint64_t alloc_frame() {
  uint64_t f;
  if (!g_pages.alloc(&f)) return 0;
  uint64_t pa = f * kPageSize;
  memset(phys_to_virt(pa), 0, kPageSize);
  return pa;
}

uint64_t alloc_frames(uint64_t count) {
  uint64_t f;
  if (!g_pages.alloc_contiguous(count, &f)) return 0;
  return f * kPageSize;
}

void free_frames(uint64_t pa, uint64_t count) {
  if (!g_pages.free(pa / kPageSize, count))
    panic("double free of physical frame %#lx (%lu frames)", pa, count);
}

bool frame_share(uint64_t pa) { return g_refs.share(pa / kPageSize); }
bool frame_shared(uint64_t pa) { return g_refs.shared(pa / kPageSize); }

bool frame_put(uint64_t pa) {
  if (!g_refs.drop(pa / kPageSize)) return false;
  free_frames(pa);
  return true;
}

}  // namespace kiln
