// The kernel heap (kernel/core/heap) over host pages from aligned_alloc:
// alignment, size classes, no overlap, accounting, large runs, reuse, and
// running out of pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "core/heap.h"

namespace kiln {
namespace {

constexpr size_t kPage = 4096;
constexpr size_t kHeader = 64;  // the page header in front of objects and runs

// The page source: a budget, and every run handed out with its length, so
// the test can check that the heap gives back exactly what it took.
struct HostPages {
  size_t budget = SIZE_MAX;  // pages that may still be handed out
  size_t out = 0;            // pages handed out and not returned
  size_t calls = 0;
  std::map<uintptr_t, size_t> runs;
  bool bad_free = false;
};
HostPages g_src;

void* src_alloc(size_t pages) {
  g_src.calls++;
  if (pages == 0 || pages > g_src.budget || pages > (size_t(1) << 20)) return nullptr;
  void* p = aligned_alloc(kPage, pages * kPage);
  if (!p) return nullptr;
  g_src.budget -= pages;
  g_src.out += pages;
  g_src.runs[reinterpret_cast<uintptr_t>(p)] = pages;
  return p;
}

void src_free(void* p, size_t pages) {
  auto it = g_src.runs.find(reinterpret_cast<uintptr_t>(p));
  if (it == g_src.runs.end() || it->second != pages) {
    g_src.bad_free = true;
    return;
  }
  g_src.runs.erase(it);
  g_src.out -= pages;
  g_src.budget += pages;
  free(p);
}

class HeapTest : public ::testing::Test {
 protected:
  HeapTest() { g_src = HostPages{}; }
  // Small pages are never given back, so the test frees them at the end.
  ~HeapTest() override {
    for (auto& [p, n] : g_src.runs) free(reinterpret_cast<void*>(p));
    g_src = HostPages{};
  }
  Heap heap{{src_alloc, src_free}};
};

size_t class_size(size_t n) {
  size_t c = 16;
  while (c < n) c <<= 1;
  return c;
}

uintptr_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

TEST_F(HeapTest, SmallObjectsAreAlignedToTheirSizeClass) {
  for (size_t n = 1; n <= Heap::kMaxSmall; n += (n < 64 ? 1 : 7)) {
    void* p = heap.alloc(n);
    ASSERT_NE(p, nullptr) << n;
    size_t c = class_size(n);
    EXPECT_EQ(heap.size_of(p), c) << n;
    EXPECT_EQ(addr(p) % 16, 0u) << n;
    EXPECT_EQ(addr(p) % c, 0u) << "objects are aligned to their size, n=" << n;
    EXPECT_GE(addr(p) % kPage, kHeader) << "an object never covers its page header";
    EXPECT_LE(addr(p) % kPage + c, kPage) << "an object never crosses its page";
  }
  void* p = heap.alloc(Heap::kMaxSmall);
  EXPECT_EQ(heap.size_of(p), Heap::kMaxSmall);
}

TEST_F(HeapTest, ZeroBytesIsASmallObject) {
  void* a = heap.alloc(0);
  void* b = heap.alloc(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(heap.size_of(a), 16u);
  heap.free(a);
  heap.free(b);
  EXPECT_EQ(heap.stats().allocations, 0u);
}

TEST_F(HeapTest, FreeOfNullDoesNothing) {
  heap.free(nullptr);
  EXPECT_EQ(heap.stats().allocations, 0u);
  EXPECT_EQ(g_src.calls, 0u);
}

TEST_F(HeapTest, LargeAllocationsAreWholePageRuns) {
  struct Case { size_t size, pages; };
  const Case cases[] = {{Heap::kMaxSmall + 1, 1}, {kPage - kHeader, 1}, {kPage - kHeader + 1, 2},
                        {kPage, 2}, {3 * kPage, 4}, {1 << 20, 257}};
  size_t held = 0, bytes = 0;
  std::vector<void*> live;
  for (const Case& c : cases) {
    void* p = heap.alloc(c.size);
    ASSERT_NE(p, nullptr) << c.size;
    EXPECT_EQ(addr(p) % 64, 0u) << "large runs are 64-byte aligned";
    EXPECT_EQ((addr(p) - kHeader) % kPage, 0u) << "one header into the first page";
    EXPECT_EQ(g_src.runs.at(addr(p) - kHeader), c.pages) << c.size;
    EXPECT_EQ(heap.size_of(p), c.pages * kPage - kHeader);
    memset(p, 0xab, heap.size_of(p));  // the whole usable size is writable
    held += c.pages;
    bytes += c.size;
    EXPECT_EQ(heap.stats().pages_held, held);
    EXPECT_EQ(heap.stats().bytes_in_use, bytes) << "large runs count the requested bytes";
    live.push_back(p);
  }
  EXPECT_EQ(heap.stats().allocations, live.size());
  for (void* p : live) heap.free(p);
  EXPECT_FALSE(g_src.bad_free) << "runs go back whole, with their length";
  EXPECT_EQ(g_src.out, 0u);
  EXPECT_EQ(heap.stats().pages_held, 0u);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  EXPECT_EQ(heap.stats().allocations, 0u);
}

TEST_F(HeapTest, HugeRequestsFailInsteadOfWrapping) {
  // size + header + page - 1 must not wrap around to a one-page run.
  for (size_t n : {SIZE_MAX, SIZE_MAX - kHeader, SIZE_MAX - kPage, SIZE_MAX / 2}) {
    EXPECT_EQ(heap.alloc(n), nullptr) << n;
  }
  EXPECT_EQ(heap.stats().failed, 4u);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  EXPECT_EQ(heap.stats().allocations, 0u);
  EXPECT_EQ(g_src.out, 0u);
}

TEST_F(HeapTest, AccountingOfSmallObjects) {
  void* a = heap.alloc(1);
  EXPECT_EQ(heap.stats().pages_held, 1u);
  EXPECT_EQ(heap.stats().allocations, 1u);
  // Small objects count their size class (the requested size is not kept).
  EXPECT_EQ(heap.stats().bytes_in_use, 16u);
  void* b = heap.alloc(100);
  EXPECT_EQ(heap.stats().bytes_in_use, 16u + 128u);
  EXPECT_EQ(heap.stats().pages_held, 2u) << "one page per size class";
  void* c = heap.alloc(20);
  EXPECT_EQ(heap.stats().pages_held, 3u);
  heap.free(b);
  heap.free(a);
  heap.free(c);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  EXPECT_EQ(heap.stats().allocations, 0u);
  EXPECT_EQ(heap.stats().pages_held, 3u) << "small pages stay with the heap";
  EXPECT_EQ(heap.stats().failed, 0u);
}

TEST_F(HeapTest, FreedObjectsAreReusedWithinTheirClass) {
  void* a = heap.alloc(64);
  void* b = heap.alloc(64);
  heap.free(a);
  EXPECT_EQ(heap.alloc(60), a) << "the last freed object of the class comes back first";
  void* other = heap.alloc(16);
  EXPECT_NE(other, b);
  heap.free(b);
  void* big = heap.alloc(128);
  EXPECT_NE(big, b) << "a 64-byte object does not serve a 128-byte request";
  size_t pages = g_src.out;
  for (int i = 0; i < 1000; i++) {
    void* p = heap.alloc(64);
    heap.free(p);
  }
  EXPECT_EQ(g_src.out, pages) << "alloc/free cycles take no new pages";
}

TEST_F(HeapTest, LargeRunsGoBackToTheSource) {
  void* p = heap.alloc(10000);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(g_src.out, 3u);
  heap.free(p);
  EXPECT_EQ(g_src.out, 0u);
  void* q = heap.alloc(10000);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(g_src.out, 3u);
  heap.free(q);
  EXPECT_FALSE(g_src.bad_free);
}

// How many objects one page holds per class: objects start at the first
// multiple of their size past the 64-byte header.
TEST_F(HeapTest, ObjectsPerPage) {
  const std::pair<size_t, size_t> per_page[] = {{16, 252}, {32, 126}, {64, 63}, {128, 31},
                                                {256, 15}, {512, 7},  {1024, 3}, {2048, 1}};
  for (auto [size, count] : per_page) {
    g_src.budget = 1;
    std::vector<void*> got;
    for (;;) {
      void* p = heap.alloc(size);
      if (!p) break;
      got.push_back(p);
      ASSERT_LE(got.size(), count) << size;
    }
    EXPECT_EQ(got.size(), count) << size;
    for (void* p : got) EXPECT_EQ(addr(p) / kPage, addr(got[0]) / kPage) << size;
  }
  EXPECT_EQ(heap.stats().failed, 8u);
}

TEST_F(HeapTest, RunningOutOfPagesFailsCleanly) {
  g_src.budget = 0;
  EXPECT_EQ(heap.alloc(1), nullptr);
  EXPECT_EQ(heap.alloc(Heap::kMaxSmall), nullptr);
  EXPECT_EQ(heap.alloc(Heap::kMaxSmall + 1), nullptr);
  EXPECT_EQ(heap.stats().failed, 3u);
  EXPECT_EQ(heap.stats().allocations, 0u);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  EXPECT_EQ(heap.stats().pages_held, 0u);

  g_src.budget = 2;
  void* run = heap.alloc(5000);  // two pages
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(heap.alloc(5000), nullptr);
  EXPECT_EQ(heap.alloc(8), nullptr) << "no page for a new class either";
  heap.free(run);
  void* small = heap.alloc(8);
  EXPECT_NE(small, nullptr) << "the freed run's pages serve the next request";
  EXPECT_EQ(heap.stats().failed, 5u);
  EXPECT_EQ(heap.stats().allocations, 1u);
}

// Random sizes, random frees: each live block keeps its own fill pattern,
// blocks never overlap, and the counters follow.
TEST_F(HeapTest, LiveBlocksNeverOverlapUnderChurn) {
  struct Block { uint8_t* p; size_t size; uint8_t fill; };
  std::vector<Block> live;
  std::map<uintptr_t, uintptr_t> spans;  // start -> end of each live block's usable size
  std::mt19937 rng(2024);
  size_t bytes = 0;
  auto check = [&](const Block& b) {
    for (size_t k = 0; k < b.size; k++)
      if (b.p[k] != b.fill) return false;
    return true;
  };
  for (int step = 0; step < 6000; step++) {
    if (live.empty() || rng() % 3 != 0) {
      size_t size = rng() % 8 == 0 ? 1 + rng() % 20000 : 1 + rng() % Heap::kMaxSmall;
      auto p = static_cast<uint8_t*>(heap.alloc(size));
      ASSERT_NE(p, nullptr);
      ASSERT_EQ(addr(p) % 16, 0u);
      uintptr_t s = addr(p), e = s + heap.size_of(p);
      auto next = spans.lower_bound(s);
      ASSERT_TRUE(next == spans.end() || next->first >= e) << "overlaps the next block";
      ASSERT_TRUE(next == spans.begin() || std::prev(next)->second <= s) << "overlaps the previous block";
      spans[s] = e;
      uint8_t fill = uint8_t(rng());
      memset(p, fill, size);
      live.push_back({p, size, fill});
      bytes += size > Heap::kMaxSmall ? size : class_size(size);
    } else {
      size_t i = rng() % live.size();
      Block b = live[i];
      ASSERT_TRUE(check(b)) << "block of " << b.size << " bytes was overwritten";
      spans.erase(addr(b.p));
      heap.free(b.p);
      bytes -= b.size > Heap::kMaxSmall ? b.size : class_size(b.size);
      live[i] = live.back();
      live.pop_back();
    }
    ASSERT_EQ(heap.stats().allocations, live.size());
    ASSERT_EQ(heap.stats().bytes_in_use, bytes);
  }
  for (const Block& b : live) {
    ASSERT_TRUE(check(b));
    heap.free(b.p);
  }
  EXPECT_EQ(heap.stats().allocations, 0u);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  EXPECT_FALSE(g_src.bad_free);
  EXPECT_EQ(heap.stats().pages_held, g_src.out);
}

}  // namespace
}  // namespace kiln
