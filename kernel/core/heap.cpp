#include "core/heap.h"

#include "lib/mem.h"

namespace kiln {
namespace {

constexpr size_t kPage = 4096;

// Every page of small objects starts with this header; objects follow it.
// Large allocations also start with a header in their first page.
struct PageHeader {
  uint32_t magic;
  uint32_t size_class;  // object size for small pages; 0 for large runs
  size_t pages;         // length of a large run
  size_t requested;     // bytes asked for (large runs)
  uint64_t pad[5];      // large runs start 64-byte aligned (XSAVE areas need it)
};
static_assert(sizeof(PageHeader) == 64);
constexpr uint32_t kMagic = 0x4b484541;  // "KHEA"

int class_of(size_t size) {
  size_t c = 16;
  int i = 0;
  while (c < size) c <<= 1, i++;
  return i;
}

PageHeader* header_of(const void* p) {
  return reinterpret_cast<PageHeader*>(reinterpret_cast<uintptr_t>(p) & ~(kPage - 1));
}

}  // namespace

void* Heap::alloc(size_t size) {
  if (size == 0) size = 1;
  if (size > kMaxSmall) {
    // Near SIZE_MAX the page count below would wrap to a tiny run.
    if (size > SIZE_MAX - sizeof(PageHeader) - kPage) {
      stats_.failed++;
      return nullptr;
    }
    size_t pages = (size + sizeof(PageHeader) + kPage - 1) / kPage;
    void* run = src_.alloc(pages);
    if (!run) {
      stats_.failed++;
      return nullptr;
    }
    auto h = static_cast<PageHeader*>(run);
    *h = PageHeader{kMagic, 0, pages, size, {}};
    stats_.pages_held += pages;
    stats_.bytes_in_use += size;
    stats_.allocations++;
    return h + 1;
  }
  int c = class_of(size);
  if (!free_lists_[c]) {
    void* page = src_.alloc(1);
    if (!page) {
      stats_.failed++;
      return nullptr;
    }
    stats_.pages_held++;
    auto h = static_cast<PageHeader*>(page);
    size_t obj = size_t(16) << c;
    *h = PageHeader{kMagic, uint32_t(obj), 1, 0, {}};
    // Objects start at the first slot past the header, aligned to their size.
    size_t first = (sizeof(PageHeader) + obj - 1) / obj * obj;
    for (size_t off = first; off + obj <= kPage; off += obj) {
      auto o = reinterpret_cast<FreeObject*>(static_cast<char*>(page) + off);
      o->next = free_lists_[c];
      free_lists_[c] = o;
    }
  }
  FreeObject* o = free_lists_[c];
  free_lists_[c] = o->next;
  stats_.bytes_in_use += size_t(16) << c;
  stats_.allocations++;
  return o;
}

void Heap::free(void* p) {
  if (!p) return;
  PageHeader* h = header_of(p);
  if (h->size_class == 0) {
    // Large runs start one header into their first page.
    h = reinterpret_cast<PageHeader*>(static_cast<char*>(p) - sizeof(PageHeader));
    stats_.pages_held -= h->pages;
    stats_.bytes_in_use -= h->requested;
    stats_.allocations--;
    src_.free(h, h->pages);
    return;
  }
  int c = class_of(h->size_class);
  auto o = static_cast<FreeObject*>(p);
  o->next = free_lists_[c];
  free_lists_[c] = o;
  stats_.bytes_in_use -= h->size_class;
  stats_.allocations--;
}

size_t Heap::size_of(const void* p) const {
  PageHeader* h = header_of(p);
  if (h->size_class == 0) return h->pages * kPage - sizeof(PageHeader);
  return h->size_class;
}

}  // namespace kiln
