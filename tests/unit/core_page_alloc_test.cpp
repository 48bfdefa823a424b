// The physical page allocator (kernel/core/page_alloc): ranges, counters,
// double frees, contiguous runs, and a model-checked churn.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/page_alloc.h"

namespace kiln {
namespace {

// An allocator with its own bitmap, so each test starts clean.
struct Frames {
  std::vector<uint64_t> bits;
  PageAllocator a;
  explicit Frames(uint64_t n) : bits(PageAllocator::bitmap_words(n) + 1, ~0ull) {
    a.init(bits.data(), n);
  }
};

TEST(PageAllocator, BitmapWords) {
  static_assert(PageAllocator::bitmap_words(0) == 0);
  static_assert(PageAllocator::bitmap_words(1) == 1);
  static_assert(PageAllocator::bitmap_words(64) == 1);
  static_assert(PageAllocator::bitmap_words(65) == 2);
  static_assert(PageAllocator::bitmap_words(4096) == 64);
}

TEST(PageAllocator, EveryFrameStartsUsed) {
  Frames f(300);  // the bitmap was all ones before init
  uint64_t frame;
  EXPECT_EQ(f.a.free_frames(), 0u);
  EXPECT_EQ(f.a.managed_frames(), 0u);
  EXPECT_FALSE(f.a.alloc(&frame));
  EXPECT_FALSE(f.a.alloc_contiguous(2, &frame));
  EXPECT_EQ(f.bits.back(), ~0ull) << "init writes only the words it needs";
}

TEST(PageAllocator, FreeRangeCountsEachFrameOnceAndStopsAtTheEnd) {
  Frames f(1000);
  f.a.free_range(10, 20);
  f.a.free_range(20, 20);  // overlaps [20, 30)
  EXPECT_EQ(f.a.free_frames(), 30u);
  EXPECT_EQ(f.a.managed_frames(), 30u);
  f.a.free_range(990, 100);  // only 990..999 exist
  EXPECT_EQ(f.a.free_frames(), 40u);
  f.a.free_range(5000, 10);
  EXPECT_EQ(f.a.managed_frames(), 40u);
  f.a.free_range(0, 0);
  EXPECT_EQ(f.a.free_frames(), 40u);
}

TEST(PageAllocator, ReserveRangeTakesOnlyFreeFrames) {
  Frames f(256);
  f.a.free_range(0, 100);
  uint64_t frame;
  ASSERT_TRUE(f.a.alloc(&frame));  // frame 0 is now in use, still managed
  EXPECT_EQ(frame, 0u);
  f.a.reserve_range(0, 10);  // 1..9 were free; 0 is allocated
  EXPECT_EQ(f.a.free_frames(), 90u);
  EXPECT_EQ(f.a.managed_frames(), 91u);
  f.a.reserve_range(250, 100);  // nothing free there, and past the end
  EXPECT_EQ(f.a.free_frames(), 90u);
  ASSERT_TRUE(f.a.alloc(&frame));
  EXPECT_EQ(frame, 10u) << "reserved frames are never handed out";
}

TEST(PageAllocator, AllocHandsOutTheLowestFreeFrameAcrossWords) {
  Frames f(200);
  f.a.free_range(60, 10);  // straddles the first word boundary
  f.a.free_range(150, 2);
  std::vector<uint64_t> got;
  uint64_t frame;
  while (f.a.alloc(&frame)) got.push_back(frame);
  std::vector<uint64_t> want = {60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 150, 151};
  EXPECT_EQ(got, want);
  EXPECT_EQ(f.a.free_frames(), 0u);
  EXPECT_EQ(f.a.managed_frames(), 12u) << "allocated frames stay managed";
}

TEST(PageAllocator, NeverHandsOutFramesPastTheEnd) {
  Frames f(100);  // 36 bits of the second word do not exist
  f.a.free_range(0, 1000);
  EXPECT_EQ(f.a.free_frames(), 100u);
  uint64_t frame, n = 0;
  while (f.a.alloc(&frame)) {
    ASSERT_LT(frame, 100u);
    n++;
  }
  EXPECT_EQ(n, 100u);
  EXPECT_FALSE(f.a.free(100, 1)) << "frame 100 does not exist";
  EXPECT_FALSE(f.a.free(99, 2)) << "a run reaching past the end";
  EXPECT_EQ(f.a.free_frames(), 0u);
}

TEST(PageAllocator, FreeLowersTheSearchStart) {
  Frames f(512);
  f.a.free_range(0, 512);
  uint64_t frame;
  for (int i = 0; i < 512; i++) ASSERT_TRUE(f.a.alloc(&frame));
  EXPECT_FALSE(f.a.alloc(&frame)) << "exhausted";
  ASSERT_TRUE(f.a.free(3, 1));
  ASSERT_TRUE(f.a.free(300, 1));
  ASSERT_TRUE(f.a.alloc(&frame));
  EXPECT_EQ(frame, 3u);
  ASSERT_TRUE(f.a.alloc(&frame));
  EXPECT_EQ(frame, 300u);
  EXPECT_FALSE(f.a.alloc(&frame));
  // A failed search must not hide frames freed by free_range afterwards.
  f.a.free_range(7, 1);
  ASSERT_TRUE(f.a.alloc(&frame));
  EXPECT_EQ(frame, 7u);
}

TEST(PageAllocator, DoubleFreeIsRefusedAndFreesNothing) {
  Frames f(128);
  f.a.free_range(0, 128);
  uint64_t first;
  ASSERT_TRUE(f.a.alloc_contiguous(10, &first));
  EXPECT_EQ(first, 0u);
  ASSERT_TRUE(f.a.free(4, 1));
  uint64_t before = f.a.free_frames();
  EXPECT_FALSE(f.a.free(0, 10)) << "frame 4 is already free";
  EXPECT_EQ(f.a.free_frames(), before) << "the refused free changed nothing";
  uint64_t frame;
  ASSERT_TRUE(f.a.alloc(&frame));
  EXPECT_EQ(frame, 4u) << "frames 0..3 are still in use";
  EXPECT_TRUE(f.a.free(0, 10));
  EXPECT_EQ(f.a.free_frames(), 128u);
  EXPECT_FALSE(f.a.free(0, 1));
}

TEST(PageAllocator, ContiguousZeroAndOne) {
  Frames f(64);
  f.a.free_range(5, 3);
  uint64_t first = 77;
  EXPECT_FALSE(f.a.alloc_contiguous(0, &first));
  EXPECT_EQ(first, 77u);
  ASSERT_TRUE(f.a.alloc_contiguous(1, &first));
  EXPECT_EQ(first, 5u);
  EXPECT_EQ(f.a.free_frames(), 2u);
}

TEST(PageAllocator, ContiguousRunsSkipHolesAndCrossWords) {
  Frames f(512);
  f.a.free_range(0, 300);
  f.a.reserve_range(5, 1);
  f.a.reserve_range(70, 6);
  uint64_t first;
  ASSERT_TRUE(f.a.alloc_contiguous(64, &first));
  EXPECT_EQ(first, 6u) << "6..69 is the first run of 64";
  ASSERT_TRUE(f.a.alloc_contiguous(5, &first));
  EXPECT_EQ(first, 0u) << "the lowest run that fits";
  ASSERT_TRUE(f.a.alloc_contiguous(100, &first));
  EXPECT_EQ(first, 76u);
  EXPECT_FALSE(f.a.alloc_contiguous(200, &first)) << "only 176..299 is left";
  ASSERT_TRUE(f.a.alloc_contiguous(124, &first));
  EXPECT_EQ(first, 176u);
  EXPECT_EQ(f.a.free_frames(), 0u);
  EXPECT_EQ(f.a.managed_frames(), 293u);
}

TEST(PageAllocator, ContiguousRunEndingAtTheLastFrame) {
  Frames f(130);
  f.a.free_range(0, 130);
  uint64_t first;
  ASSERT_TRUE(f.a.alloc_contiguous(128, &first));
  EXPECT_EQ(first, 0u);
  EXPECT_FALSE(f.a.alloc_contiguous(3, &first));
  ASSERT_TRUE(f.a.alloc_contiguous(2, &first));
  EXPECT_EQ(first, 128u);
  EXPECT_FALSE(f.a.alloc_contiguous(2, &first));
}

TEST(PageAllocator, ContiguousSkipsWholeUsedWords) {
  Frames f(64 * 40);
  f.a.free_range(64 * 39 + 10, 20);  // only the last word has anything free
  uint64_t first;
  ASSERT_TRUE(f.a.alloc_contiguous(20, &first));
  EXPECT_EQ(first, 64u * 39 + 10);
  EXPECT_FALSE(f.a.alloc_contiguous(2, &first));
}

// Random operations against a model with one state per frame: every answer
// must be the lowest fit, and the counters must match. free_range is boot-time
// only (it would count an allocated frame as managed twice), so the model
// applies it to ranges without allocated frames.
TEST(PageAllocator, MatchesAModelUnderChurn) {
  constexpr uint64_t kFrames = 1000;
  enum State : uint8_t { Unmanaged, Free, Used };
  Frames f(kFrames);
  std::vector<State> st(kFrames, Unmanaged);
  std::mt19937 rng(12345);
  auto pick = [&](uint64_t n) { return uint64_t(rng() % n); };
  struct Run { uint64_t first, count; };
  std::vector<Run> owned;
  auto lowest_run = [&](uint64_t count) -> int64_t {
    uint64_t run = 0;
    for (uint64_t i = 0; i < kFrames; i++) {
      run = st[i] == Free ? run + 1 : 0;
      if (run == count) return int64_t(i + 1 - count);
    }
    return -1;
  };
  for (int step = 0; step < 20000; step++) {
    switch (pick(10)) {
      case 0: {  // hand a range to the allocator
        uint64_t first = pick(kFrames), count = pick(40);
        bool used = false;
        for (uint64_t i = first; i < first + count && i < kFrames; i++) used |= st[i] == Used;
        if (used) break;
        f.a.free_range(first, count);
        for (uint64_t i = first; i < first + count && i < kFrames; i++) st[i] = Free;
        break;
      }
      case 1: {  // take a range away (allocated frames stay allocated)
        uint64_t first = pick(kFrames), count = pick(20);
        f.a.reserve_range(first, count);
        for (uint64_t i = first; i < first + count && i < kFrames; i++)
          if (st[i] == Free) st[i] = Unmanaged;
        break;
      }
      case 2:
      case 3:
      case 4: {
        uint64_t frame;
        int64_t want = lowest_run(1);
        ASSERT_EQ(f.a.alloc(&frame), want >= 0) << "step " << step;
        if (want < 0) break;
        ASSERT_EQ(frame, uint64_t(want)) << "step " << step;
        st[frame] = Used;
        owned.push_back({frame, 1});
        break;
      }
      case 5:
      case 6: {
        uint64_t count = 1 + pick(30), first;
        int64_t want = lowest_run(count);
        ASSERT_EQ(f.a.alloc_contiguous(count, &first), want >= 0) << "step " << step;
        if (want < 0) break;
        ASSERT_EQ(first, uint64_t(want)) << "step " << step;
        for (uint64_t k = 0; k < count; k++) st[first + k] = Used;
        owned.push_back({first, count});
        break;
      }
      default: {
        if (owned.empty()) break;
        size_t i = pick(owned.size());
        Run r = owned[i];
        owned.erase(owned.begin() + long(i));
        ASSERT_TRUE(f.a.free(r.first, r.count)) << "step " << step;
        ASSERT_FALSE(f.a.free(r.first, r.count)) << "step " << step;
        for (uint64_t k = 0; k < r.count; k++) st[r.first + k] = Free;
        break;
      }
    }
    uint64_t nfree = 0, nmanaged = 0;
    for (State s : st) nfree += s == Free, nmanaged += s != Unmanaged;
    ASSERT_EQ(f.a.free_frames(), nfree) << "step " << step;
    ASSERT_EQ(f.a.managed_frames(), nmanaged) << "step " << step;
  }
}

}  // namespace
}  // namespace kiln
