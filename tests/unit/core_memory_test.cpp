// The page allocator and the kernel heap, over host memory.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "core/frame_refs.h"
#include "core/heap.h"
#include "core/page_alloc.h"

namespace kiln {
namespace {

TEST(PageAllocator, HandsOutOnlyFreedFramesAndCounts) {
  static uint64_t bits[PageAllocator::bitmap_words(1024)];
  PageAllocator a;
  a.init(bits, 1024);
  uint64_t f;
  EXPECT_FALSE(a.alloc(&f)) << "nothing was freed yet";
  a.free_range(100, 50);
  EXPECT_EQ(a.free_frames(), 50u);
  EXPECT_EQ(a.managed_frames(), 50u);
  std::set<uint64_t> got;
  while (a.alloc(&f)) got.insert(f);
  EXPECT_EQ(got.size(), 50u);
  EXPECT_EQ(*got.begin(), 100u);
  EXPECT_EQ(*got.rbegin(), 149u);
  EXPECT_EQ(a.free_frames(), 0u);
  EXPECT_TRUE(a.free(120, 1));
  EXPECT_FALSE(a.free(120, 1)) << "a double free is refused";
  EXPECT_FALSE(a.free(5000, 1)) << "a frame outside RAM is refused";
  ASSERT_TRUE(a.alloc(&f));
  EXPECT_EQ(f, 120u);
}

TEST(PageAllocator, ContiguousRunsNeverOverlapUnderChurn) {
  constexpr uint64_t kFrames = 8192;
  static uint64_t bits[PageAllocator::bitmap_words(kFrames)];
  PageAllocator a;
  a.init(bits, kFrames);
  a.free_range(64, kFrames - 64);
  a.reserve_range(4000, 10);  // a hole in the middle, like the kernel image
  std::map<uint64_t, uint64_t> runs;  // first -> count
  std::set<uint64_t> owned;
  srand(7);
  for (int i = 0; i < 20000; i++) {
    int op = rand() % 3;
    if (op < 2) {
      uint64_t n = op == 0 ? 1 : 1 + rand() % 40, first;
      bool ok = n == 1 ? a.alloc(&first) : a.alloc_contiguous(n, &first);
      if (!ok) continue;
      for (uint64_t k = 0; k < n; k++) {
        ASSERT_TRUE(owned.insert(first + k).second) << "frame " << first + k << " handed out twice";
        ASSERT_FALSE(first + k >= 4000 && first + k < 4010) << "a reserved frame was handed out";
      }
      runs[first] = n;
    } else if (!runs.empty()) {
      auto it = runs.begin();
      std::advance(it, rand() % runs.size());
      for (uint64_t k = 0; k < it->second; k++) owned.erase(it->first + k);
      ASSERT_TRUE(a.free(it->first, it->second));
      runs.erase(it);
    }
  }
  EXPECT_EQ(a.free_frames() + owned.size(), a.managed_frames());
}

// Page source for the heap over aligned host memory, counting pages.
int g_pages_out;
int g_pages_budget = 1 << 20;
void* host_pages(size_t n) {
  if (g_pages_out + int(n) > g_pages_budget) return nullptr;
  g_pages_out += int(n);
  return aligned_alloc(4096, n * 4096);
}
void host_free(void* p, size_t n) {
  g_pages_out -= int(n);
  free(p);
}

TEST(Heap, AllocationsAreAlignedDistinctAndCounted) {
  g_pages_out = 0;
  Heap h({host_pages, host_free});
  std::vector<std::pair<uint8_t*, size_t>> live;
  const size_t sizes[] = {1, 8, 16, 17, 100, 512, 1000, 2048, 2049, 5000, 70000};
  for (int round = 0; round < 20; round++) {
    for (size_t sz : sizes) {
      auto p = static_cast<uint8_t*>(h.alloc(sz));
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
      if (sz > Heap::kMaxSmall) {
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
      }
      EXPECT_GE(h.size_of(p), sz);
      memset(p, int(live.size() & 0xff), sz);
      live.push_back({p, sz});
    }
  }
  EXPECT_EQ(h.stats().allocations, live.size());
  // Every block still holds its own pattern: nothing overlapped.
  for (size_t i = 0; i < live.size(); i++)
    for (size_t k = 0; k < live[i].second; k++)
      ASSERT_EQ(live[i].first[k], uint8_t(i & 0xff)) << "block " << i << " was overwritten";
  for (auto& [p, sz] : live) h.free(p);
  EXPECT_EQ(h.stats().allocations, 0u);
  EXPECT_EQ(h.stats().bytes_in_use, 0u);
}

TEST(Heap, FreedMemoryIsReusedAndExhaustionFailsCleanly) {
  g_pages_out = 0;
  Heap h({host_pages, host_free});
  void* a = h.alloc(64);
  h.free(a);
  EXPECT_EQ(h.alloc(64), a) << "the freed object is handed out again";
  g_pages_budget = g_pages_out;  // no more pages
  EXPECT_EQ(h.alloc(100000), nullptr);
  EXPECT_EQ(h.stats().failed, 1u);
  g_pages_budget = 1 << 20;
}

TEST(FrameRefs, CountsSharersAndNamesTheLast) {
  static uint8_t extra[16];
  FrameRefs r;
  r.init(extra, 16);
  EXPECT_FALSE(r.shared(3));
  EXPECT_TRUE(r.drop(3)) << "an unshared frame's only entry is the last";
  ASSERT_TRUE(r.share(3));  // fork: two entries
  ASSERT_TRUE(r.share(3));  // fork of the fork: three
  EXPECT_TRUE(r.shared(3));
  EXPECT_FALSE(r.drop(3));
  EXPECT_FALSE(r.drop(3));
  EXPECT_FALSE(r.shared(3)) << "one entry left: it may take the frame back";
  EXPECT_TRUE(r.drop(3));
  EXPECT_FALSE(r.shared(4)) << "neighbours untouched";
}

TEST(FrameRefs, RefusesToCountPastItsLimitOrOutsideRam) {
  static uint8_t extra[4];
  FrameRefs r;
  r.init(extra, 4);
  int shared = 0;
  while (r.share(1)) shared++;
  EXPECT_EQ(shared, 255) << "the caller copies the frame from here on";
  EXPECT_FALSE(r.share(4));
  EXPECT_FALSE(r.shared(4));
  EXPECT_TRUE(r.drop(4));
  for (int i = 0; i < 255; i++) EXPECT_FALSE(r.drop(1));
  EXPECT_TRUE(r.drop(1));
}

}  // namespace
}  // namespace kiln
