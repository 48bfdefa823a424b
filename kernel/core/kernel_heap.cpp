// The kernel heap over physical frames, and C++ new/delete on top of it.
#include "core/heap.h"
#include "core/memory.h"
#include "lib/mem.h"

namespace kiln {
namespace {

void* frames_alloc(size_t pages) {
  uint64_t pa = alloc_frames(pages);
  return pa ? phys_to_virt(pa) : nullptr;
}
void frames_free(void* p, size_t pages) { free_frames(virt_to_phys(p), pages); }

Heap g_heap({frames_alloc, frames_free});

}  // namespace

Heap& kernel_heap() { return g_heap; }

void* kmalloc(size_t size) { return g_heap.alloc(size); }
void* kzalloc(size_t size) {
  void* p = kmalloc(size);
  if (p) memset(p, 0, size);
  return p;
}
void kfree(void* p) { g_heap.free(p); }

}  // namespace kiln

void* operator new(size_t n) { return kiln::kmalloc(n); }
void* operator new[](size_t n) { return kiln::kmalloc(n); }
void operator delete(void* p) noexcept { kiln::kfree(p); }
void operator delete[](void* p) noexcept { kiln::kfree(p); }
void operator delete(void* p, size_t) noexcept { kiln::kfree(p); }
void operator delete[](void* p, size_t) noexcept { kiln::kfree(p); }
extern "C" void __cxa_pure_virtual() { __builtin_trap(); }
