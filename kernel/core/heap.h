// The kernel heap: power-of-two size classes carved from pages for small
// objects, whole page runs for large ones. Portable: pages come from a
// PageSource, so host tests run it over malloc'd memory.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

struct PageSource {
  void* (*alloc)(size_t pages);  // contiguous, page-aligned; nullptr when out
  void (*free)(void* p, size_t pages);
};

struct HeapStats {
  size_t bytes_in_use;     // bytes of live allocations (small ones count their size class)
  size_t pages_held;       // pages taken from the source
  size_t allocations;      // live allocations
  size_t failed;           // requests that could not be met
};

class Heap {
 public:
  static constexpr int kClasses = 8;  // 16 .. 2048 bytes
  static constexpr size_t kMaxSmall = 2048;

  explicit constexpr Heap(PageSource src) : src_(src) {}
  void* alloc(size_t size);
  void free(void* p);
  // The usable size of an allocation.
  size_t size_of(const void* p) const;
  const HeapStats& stats() const { return stats_; }

 private:
  struct FreeObject { FreeObject* next; };
  PageSource src_;
  FreeObject* free_lists_[kClasses] = {};
  HeapStats stats_ = {};
};

// The kernel's heap (new/delete and kmalloc use it).
Heap& kernel_heap();
void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* p);

}  // namespace kiln
