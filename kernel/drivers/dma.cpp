#include "drivers/dma.h"

#include "arch/x86_64/paging.h"
#include "core/memory.h"
#include "lib/mem.h"

namespace kiln::drivers {
namespace {

// The direct map ends where the kernel stacks begin (docs/internals.md).
constexpr uint64_t kDirectMapEnd = 0xffffc00000000000ull;

}  // namespace

DmaRegion dma_alloc(size_t bytes) {
  uint64_t pages = page_align_up(bytes) / kPageSize;
  uint64_t pa = alloc_frames(pages);
  if (!pa) return {};
  void* p = phys_to_virt(pa);
  memset(p, 0, pages * kPageSize);
  return {p, pa};
}

void dma_free(DmaRegion region, size_t bytes) {
  if (region.cpu) free_frames(region.device, page_align_up(bytes) / kPageSize);
}

uint64_t dma_address(const void* p) {
  auto v = reinterpret_cast<uint64_t>(p);
  if (v < paging::kUserTop) return 0;
  if (v >= kKernelBase) return v - kKernelBase;
  // The direct map uses 2 MiB pages, which lookup() does not walk.
  if (v >= kDirectMapBase && v < kDirectMapEnd) return v - kDirectMapBase;
  uint64_t* pte = paging::lookup(page_align_down(v));
  if (!pte || !(*pte & paging::kPresent)) return 0;
  return (*pte & paging::kAddrMask) | (v & (kPageSize - 1));
}

}  // namespace kiln::drivers
