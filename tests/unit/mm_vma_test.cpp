// The VMA bookkeeping: inserting, merging, splitting, protecting, finding gaps.
#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

#include "mm/vma.h"

namespace kiln {
namespace {

constexpr uint64_t P = 4096;

std::vector<Vma> all(const VmaSet& s) {
  std::vector<Vma> v;
  for (size_t i = 0; i < s.size(); i++) v.push_back(s.at(i));
  return v;
}

TEST(VmaSet, InsertMergesEqualNeighboursOnly) {
  static VmaSet s;
  s = VmaSet{};
  ASSERT_TRUE(s.insert({10 * P, 20 * P, kPROT_READ, 0}));
  ASSERT_TRUE(s.insert({20 * P, 30 * P, kPROT_READ, 0}));  // same: merged
  ASSERT_TRUE(s.insert({30 * P, 40 * P, kPROT_READ | kPROT_WRITE, 0}));  // different prot
  EXPECT_FALSE(s.insert({15 * P, 25 * P, kPROT_READ, 0})) << "overlap refused";
  auto v = all(s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].start, 10 * P);
  EXPECT_EQ(v[0].end, 30 * P);
  EXPECT_EQ(v[1].prot, kPROT_READ | kPROT_WRITE);
  EXPECT_EQ(s.find(29 * P)->start, 10 * P);
  EXPECT_EQ(s.find(9 * P), nullptr);
  EXPECT_TRUE(s.covered(12 * P, 35 * P));
  EXPECT_FALSE(s.covered(5 * P, 12 * P));
}

TEST(VmaSet, RemoveSplitsAndReportsPieces) {
  static VmaSet s;
  s = VmaSet{};
  s.insert({0x10000, 0x20000, kPROT_READ, 0});
  s.insert({0x30000, 0x40000, kPROT_READ, 0});
  std::vector<Vma> removed;
  ASSERT_TRUE(s.remove(0x18000, 0x38000,
                       [](const Vma& v, void* ctx) { static_cast<std::vector<Vma>*>(ctx)->push_back(v); },
                       &removed));
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[0].start, 0x18000u);
  EXPECT_EQ(removed[0].end, 0x20000u);
  EXPECT_EQ(removed[1].start, 0x30000u);
  EXPECT_EQ(removed[1].end, 0x38000u);
  auto v = all(s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].end, 0x18000u);
  EXPECT_EQ(v[1].start, 0x38000u);
}

TEST(VmaSet, ProtectSplitsThenMergesBack) {
  static VmaSet s;
  s = VmaSet{};
  s.insert({0, 10 * P, kPROT_READ | kPROT_WRITE, 0});
  ASSERT_TRUE(s.protect(3 * P, 4 * P, kPROT_READ));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.find(3 * P)->prot, kPROT_READ);
  ASSERT_TRUE(s.protect(3 * P, 4 * P, kPROT_READ | kPROT_WRITE));
  EXPECT_EQ(s.size(), 1u) << "equal neighbours merge again";
  EXPECT_FALSE(s.protect(9 * P, 11 * P, kPROT_READ)) << "part of the range is unmapped";
}

TEST(VmaSet, FindGapTopDown) {
  static VmaSet s;
  s = VmaSet{};
  s.insert({100 * P, 200 * P, kPROT_READ, 0});
  s.insert({250 * P, 300 * P, kPROT_READ, 0});
  uint64_t at;
  ASSERT_TRUE(s.find_gap(10 * P, 16 * P, 400 * P, &at));
  EXPECT_EQ(at, 390 * P) << "highest gap first";
  ASSERT_TRUE(s.find_gap(60 * P, 16 * P, 300 * P, &at));
  EXPECT_EQ(at, 40 * P) << "the 50-page hole between the areas is too small";
  ASSERT_TRUE(s.find_gap(50 * P, 16 * P, 300 * P, &at));
  EXPECT_EQ(at, 200 * P);
  EXPECT_FALSE(s.find_gap(100 * P, 16 * P, 100 * P, &at));
}

TEST(VmaSet, FileMappingsCountPiecesThroughHooks) {
  static VmaSet s;
  s = VmaSet{};
  static int refs;
  refs = 1;
  s.set_hooks({[](const Vma&) { refs++; }, [](const Vma&) { refs--; }});
  ASSERT_TRUE(s.insert({0, 8 * P, kPROT_READ, 0, 0, 0x1234, 0}));
  ASSERT_TRUE(s.protect(2 * P, 3 * P, kPROT_READ | kPROT_WRITE));  // two splits
  EXPECT_EQ(refs, 3);
  EXPECT_EQ(s.find(2 * P)->file_offset, 2 * P) << "the offset follows the split";
  ASSERT_TRUE(s.protect(2 * P, 3 * P, kPROT_READ));  // merged back
  EXPECT_EQ(refs, 1);
}

// --- Edge cases, capacity, and a model-checked churn.

Vma anon(uint64_t s, uint64_t e, uint32_t prot = kPROT_READ) { return {s * P, e * P, prot, 0}; }

TEST(VmaSet, InsertRefusesEmptyAndOverlappingRanges) {
  static VmaSet s;
  s = VmaSet{};
  EXPECT_FALSE(s.insert(anon(5, 5)));
  EXPECT_FALSE(s.insert(anon(6, 5)));
  ASSERT_TRUE(s.insert(anon(10, 20)));
  EXPECT_FALSE(s.insert(anon(19, 21)));
  EXPECT_FALSE(s.insert(anon(9, 11)));
  EXPECT_FALSE(s.insert(anon(12, 13))) << "inside";
  EXPECT_FALSE(s.insert(anon(0, 30))) << "around";
  EXPECT_EQ(s.size(), 1u);
}

TEST(VmaSet, InsertBridgingTwoNeighboursMergesAllThree) {
  static VmaSet s;
  s = VmaSet{};
  ASSERT_TRUE(s.insert(anon(0, 10)));
  ASSERT_TRUE(s.insert(anon(20, 30)));
  ASSERT_TRUE(s.insert(anon(10, 20)));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.at(0).start, 0u);
  EXPECT_EQ(s.at(0).end, 30 * P);
  // Inserting in front and behind merges too.
  ASSERT_TRUE(s.insert(anon(30, 31)));
  EXPECT_EQ(s.size(), 1u);
}

TEST(VmaSet, MergeNeedsEqualFlagsAndContinuousBackingAndFile) {
  static VmaSet s;
  s = VmaSet{};
  ASSERT_TRUE(s.insert({0, P, kPROT_READ, kVmaHeap}));
  ASSERT_TRUE(s.insert({P, 2 * P, kPROT_READ, 0}));
  EXPECT_EQ(s.size(), 2u) << "flags differ";
  s = VmaSet{};
  ASSERT_TRUE(s.insert({0, P, kPROT_READ, 0, 0x100000}));
  ASSERT_TRUE(s.insert({P, 2 * P, kPROT_READ, 0, 0x100000 + P}));
  EXPECT_EQ(s.size(), 1u) << "the backing continues";
  ASSERT_TRUE(s.insert({2 * P, 3 * P, kPROT_READ, 0, 0x900000}));
  EXPECT_EQ(s.size(), 2u) << "the backing jumps";
  ASSERT_TRUE(s.insert({3 * P, 4 * P, kPROT_READ, 0, 0}));
  EXPECT_EQ(s.size(), 3u) << "backed next to anonymous";
  s = VmaSet{};
  ASSERT_TRUE(s.insert({0, P, kPROT_READ, 0, 0, 7, 0}));
  ASSERT_TRUE(s.insert({P, 2 * P, kPROT_READ, 0, 0, 7, P}));
  EXPECT_EQ(s.size(), 1u) << "the file offset continues";
  ASSERT_TRUE(s.insert({2 * P, 3 * P, kPROT_READ, 0, 0, 7, 0}));
  EXPECT_EQ(s.size(), 2u) << "the file offset jumps back";
  ASSERT_TRUE(s.insert({3 * P, 4 * P, kPROT_READ, 0, 0, 8, P}));
  EXPECT_EQ(s.size(), 3u) << "another file";
  ASSERT_TRUE(s.insert({4 * P, 5 * P, kPROT_READ, 0, 0, 0, 0}));
  EXPECT_EQ(s.size(), 4u) << "anonymous next to a file";
}

TEST(VmaSet, FindOverlapsAndCoveredAtTheEdges) {
  static VmaSet s;
  s = VmaSet{};
  ASSERT_TRUE(s.insert(anon(10, 20)));
  ASSERT_TRUE(s.insert(anon(20, 30, kPROT_READ | kPROT_WRITE)));
  ASSERT_TRUE(s.insert(anon(40, 50)));
  EXPECT_EQ(s.find(10 * P)->start, 10 * P);
  EXPECT_EQ(s.find(20 * P - 1)->start, 10 * P);
  EXPECT_EQ(s.find(20 * P)->start, 20 * P);
  EXPECT_EQ(s.find(30 * P), nullptr) << "end is exclusive";
  EXPECT_EQ(s.find(0), nullptr);
  EXPECT_EQ(s.find(~0ull), nullptr);
  EXPECT_FALSE(s.overlaps(30 * P, 40 * P)) << "touching is not overlapping";
  EXPECT_FALSE(s.overlaps(0, 10 * P));
  EXPECT_TRUE(s.overlaps(29 * P, 31 * P));
  EXPECT_TRUE(s.overlaps(39 * P, 41 * P));
  EXPECT_TRUE(s.overlaps(0, 100 * P));
  EXPECT_FALSE(s.overlaps(50 * P, 100 * P));
  EXPECT_TRUE(s.covered(10 * P, 30 * P)) << "across two adjacent areas";
  EXPECT_FALSE(s.covered(10 * P, 41 * P)) << "a hole at 30..40";
  EXPECT_FALSE(s.covered(9 * P, 11 * P));
  EXPECT_FALSE(s.covered(49 * P, 51 * P));
  EXPECT_TRUE(s.covered(45 * P, 45 * P)) << "an empty range";
  EXPECT_TRUE(s.covered(41 * P + 1, 41 * P + 2));
}

TEST(VmaSet, RemoveEdgeCases) {
  static VmaSet s;
  s = VmaSet{};
  ASSERT_TRUE(s.insert({10 * P, 20 * P, kPROT_READ, 0, 0x40000000}));
  int calls = 0;
  auto count = [](const Vma&, void* ctx) { ++*static_cast<int*>(ctx); };
  EXPECT_TRUE(s.remove(30 * P, 40 * P, count, &calls)) << "nothing mapped there";
  EXPECT_TRUE(s.remove(15 * P, 15 * P, count, &calls)) << "empty";
  EXPECT_TRUE(s.remove(15 * P, 14 * P, count, &calls)) << "inverted";
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(s.size(), 1u);
  // A hole in the middle: two pieces stay, the backing follows the upper one.
  std::vector<Vma> removed;
  auto keep = [](const Vma& v, void* ctx) { static_cast<std::vector<Vma>*>(ctx)->push_back(v); };
  ASSERT_TRUE(s.remove(12 * P, 13 * P, keep, &removed));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].start, 12 * P);
  EXPECT_EQ(removed[0].end, 13 * P);
  EXPECT_EQ(removed[0].backing, 0x40000000 + 2 * P);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.at(0).end, 12 * P);
  EXPECT_EQ(s.at(1).start, 13 * P);
  EXPECT_EQ(s.at(1).backing, 0x40000000 + 3 * P);
  // Everything, across the hole, without a callback.
  ASSERT_TRUE(s.remove(0, 100 * P));
  EXPECT_EQ(s.size(), 0u);
  // Removing whole areas exactly reports each one.
  s.insert(anon(1, 2));
  s.insert(anon(3, 4));
  s.insert(anon(5, 6));
  removed.clear();
  ASSERT_TRUE(s.remove(3 * P, 6 * P, keep, &removed));
  EXPECT_EQ(removed.size(), 2u);
  EXPECT_EQ(s.size(), 1u);
}

TEST(VmaSet, ProtectEdgeCases) {
  static VmaSet s;
  s = VmaSet{};
  ASSERT_TRUE(s.insert(anon(0, 10)));
  ASSERT_TRUE(s.insert(anon(10, 20, kPROT_READ | kPROT_WRITE)));
  EXPECT_FALSE(s.protect(15 * P, 25 * P, kPROT_READ)) << "partly unmapped";
  EXPECT_EQ(s.size(), 2u) << "a refused protect changes nothing";
  // The whole second area becomes equal to the first: one area.
  ASSERT_TRUE(s.protect(10 * P, 20 * P, kPROT_READ));
  ASSERT_EQ(s.size(), 1u);
  // The front and the tail: splits at one end only.
  ASSERT_TRUE(s.protect(0, 2 * P, kPROT_READ | kPROT_EXEC));
  ASSERT_TRUE(s.protect(18 * P, 20 * P, kPROT_READ | kPROT_EXEC));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.find(P)->prot, kPROT_READ | kPROT_EXEC);
  EXPECT_EQ(s.find(2 * P)->prot, kPROT_READ);
  EXPECT_EQ(s.find(19 * P)->prot, kPROT_READ | kPROT_EXEC);
  // A range spanning all three, then back: everything merges to one.
  ASSERT_TRUE(s.protect(P, 19 * P, 0));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.find(0)->end, P);
  EXPECT_EQ(s.find(P)->end, 19 * P);
  ASSERT_TRUE(s.protect(0, 20 * P, kPROT_READ));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_TRUE(s.protect(5 * P, 5 * P, kPROT_WRITE)) << "an empty range";
  EXPECT_EQ(s.size(), 1u);
}

TEST(VmaSet, FindGapEdgeCases) {
  static VmaSet s;
  s = VmaSet{};
  uint64_t at = 0;
  EXPECT_FALSE(s.find_gap(0, 0, 100 * P, &at)) << "zero length";
  EXPECT_FALSE(s.find_gap(P, 10 * P, 5 * P, &at)) << "top below bottom";
  EXPECT_FALSE(s.find_gap(6 * P, 10 * P, 15 * P, &at)) << "the window is too small";
  ASSERT_TRUE(s.find_gap(5 * P, 10 * P, 15 * P, &at));
  EXPECT_EQ(at, 10 * P) << "exactly the window";
  ASSERT_TRUE(s.find_gap(P, 0, 100 * P, &at));
  EXPECT_EQ(at, 99 * P) << "empty set: right below top";

  s.insert(anon(90, 110));  // straddles top
  ASSERT_TRUE(s.find_gap(P, 0, 100 * P, &at));
  EXPECT_EQ(at, 89 * P);
  s.insert(anon(80, 89));   // leaves one page at 89
  ASSERT_TRUE(s.find_gap(P, 0, 100 * P, &at));
  EXPECT_EQ(at, 89 * P) << "a one-page hole fits one page";
  ASSERT_TRUE(s.find_gap(2 * P, 0, 100 * P, &at));
  EXPECT_EQ(at, 78 * P);
  // An area ending exactly at top.
  ASSERT_TRUE(s.find_gap(P, 0, 89 * P, &at));
  EXPECT_EQ(at, 79 * P);
  // An area straddling bottom: the gap must stay above bottom.
  s.insert(anon(0, 12));
  ASSERT_TRUE(s.find_gap(68 * P, 10 * P, 100 * P, &at));
  EXPECT_EQ(at, 12 * P) << "12..80 is exactly 68 pages";
  EXPECT_FALSE(s.find_gap(69 * P, 10 * P, 100 * P, &at));
  EXPECT_FALSE(s.find_gap(P, 0, 12 * P, &at)) << "everything below 12 is mapped";
  EXPECT_FALSE(s.find_gap(P, 80 * P, 89 * P, &at)) << "80..89 is mapped";
  ASSERT_TRUE(s.find_gap(P, 85 * P, 100 * P, &at));
  EXPECT_EQ(at, 89 * P);
  // Top and bottom need not be page multiples.
  ASSERT_TRUE(s.find_gap(P, 12 * P, 20 * P + 5, &at));
  EXPECT_EQ(at, 19 * P + 5);
  // The top of the address space.
  s = VmaSet{};
  ASSERT_TRUE(s.find_gap(P, 0, ~0ull, &at));
  EXPECT_EQ(at, ~0ull - P);
  s.insert({~0ull - 2 * P, ~0ull, kPROT_READ, 0});
  ASSERT_TRUE(s.find_gap(P, 0, ~0ull, &at));
  EXPECT_EQ(at, ~0ull - 3 * P);
}

TEST(VmaSet, CapacityIsEnforcedWithoutDamage) {
  static VmaSet s;
  s = VmaSet{};
  constexpr uint64_t N = VmaSet::kMax;
  // kMax areas with holes between them, so nothing merges.
  for (uint64_t i = 0; i < N; i++) ASSERT_TRUE(s.insert(anon(2 * i, 2 * i + 1)));
  ASSERT_EQ(s.size(), N);
  EXPECT_FALSE(s.insert(anon(2 * N, 2 * N + 1))) << "full";
  EXPECT_EQ(s.size(), N);
  EXPECT_EQ(s.find(2 * N * P), nullptr);
  // Free one slot; bridging holes then merges areas and frees more.
  ASSERT_TRUE(s.remove(2 * (N - 1) * P, (2 * N - 1) * P));
  ASSERT_TRUE(s.insert(anon(1, 2)));
  ASSERT_TRUE(s.insert(anon(3, 4)));
  EXPECT_EQ(s.size(), N - 3);
  ASSERT_EQ(s.at(0).end, 5 * P);
  for (uint64_t i = 0; i < 3; i++) ASSERT_TRUE(s.insert(anon(2 * N + 2 * i, 2 * N + 2 * i + 1)));
  ASSERT_EQ(s.size(), N);
  // Punching a hole needs one more area: refused, nothing removed.
  int calls = 0;
  EXPECT_FALSE(s.remove(P, 2 * P, [](const Vma&, void* c) { ++*static_cast<int*>(c); }, &calls));
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(s.covered(0, 5 * P));
  // Protecting the middle needs two more areas: refused, with one slot free
  // too; every page keeps its protection.
  EXPECT_FALSE(s.protect(P, 2 * P, kPROT_READ | kPROT_WRITE));
  ASSERT_TRUE(s.remove(2 * N * P, (2 * N + 1) * P));
  EXPECT_FALSE(s.protect(P, 2 * P, kPROT_READ | kPROT_WRITE));
  for (uint64_t a = 0; a < 5 * P; a += P) EXPECT_EQ(s.find(a)->prot, kPROT_READ);
  EXPECT_TRUE(s.covered(0, 5 * P));
  // Changing whole areas and removing them always works.
  ASSERT_TRUE(s.protect(0, 5 * P, kPROT_READ | kPROT_WRITE));
  EXPECT_EQ(s.find(4 * P)->prot, kPROT_READ | kPROT_WRITE);
  ASSERT_TRUE(s.remove(0, 5 * P));
  EXPECT_EQ(s.find(0), nullptr);
}

// Random inserts, removes and protects over 64 pages, against a per-page
// model. After every step: the same pages with the same attributes, no two
// neighbours that should have merged, file references matching the number
// of file pieces, and find_gap equal to a brute-force search.
struct PageModel {
  bool mapped = false;
  uint32_t prot = 0, flags = 0;
  uint64_t backing = 0, file = 0, file_offset = 0;
};
int g_refs;  // references the "owner" holds on file 1, one per piece

TEST(VmaSet, MatchesAPageModelUnderChurn) {
  constexpr uint64_t kPages = 64;
  static VmaSet s;
  s = VmaSet{};
  g_refs = 0;
  s.set_hooks({[](const Vma& v) { g_refs += v.file != 0; }, [](const Vma& v) { g_refs -= v.file != 0; }});
  PageModel m[kPages];
  std::mt19937 rng(99);
  auto pick = [&](uint64_t n) { return uint64_t(rng() % n); };
  for (int step = 0; step < 6000; step++) {
    uint64_t a = pick(kPages), b = pick(kPages + 1);
    if (a > b) std::swap(a, b);
    switch (pick(4)) {
      case 0:
      case 1: {  // insert: anonymous, backed, or file; always continuous per page
        uint32_t prot = pick(2) ? kPROT_READ : kPROT_READ | kPROT_WRITE;
        uint32_t flags = pick(8) == 0 ? kVmaHeap : 0;
        int kind = int(pick(3));
        Vma v{a * P, b * P, prot, flags};
        if (kind == 1) v.backing = 0x100000000 + a * P;
        if (kind == 2) v.file = 1, v.file_offset = a * P;
        bool free_ = a < b;
        for (uint64_t i = a; i < b; i++) free_ &= !m[i].mapped;
        if (v.file && free_) g_refs++;  // the owner's reference for the new piece
        ASSERT_EQ(s.insert(v), free_) << "step " << step;
        if (!free_) break;
        for (uint64_t i = a; i < b; i++)
          m[i] = {true, prot, flags, kind == 1 ? v.backing + (i - a) * P : 0, v.file,
                  kind == 2 ? i * P : 0};
        break;
      }
      case 2: {
        ASSERT_TRUE(s.remove(a * P, b * P, [](const Vma& v, void*) { g_refs -= v.file != 0; }))
            << "step " << step;
        for (uint64_t i = a; i < b; i++) m[i] = {};
        break;
      }
      default: {
        uint32_t prot = uint32_t(pick(8)) & (kPROT_READ | kPROT_WRITE | kPROT_EXEC);
        bool covered = true;
        for (uint64_t i = a; i < b; i++) covered &= m[i].mapped;
        ASSERT_EQ(s.covered(a * P, b * P), covered) << "step " << step;
        ASSERT_EQ(s.protect(a * P, b * P, prot), covered) << "step " << step;
        if (covered)
          for (uint64_t i = a; i < b; i++) m[i].prot = prot;
        break;
      }
    }
    // The set against the model.
    int pieces = 0;
    for (size_t i = 0; i < s.size(); i++) {
      const Vma& v = s.at(i);
      ASSERT_LT(v.start, v.end);
      ASSERT_EQ(v.start % P, 0u);
      ASSERT_EQ(v.end % P, 0u);
      if (i > 0) {
        const Vma& u = s.at(i - 1);
        ASSERT_LE(u.end, v.start) << "sorted and disjoint, step " << step;
        uint64_t len = u.end - u.start;
        bool mergeable = u.end == v.start && u.prot == v.prot && u.flags == v.flags &&
                         (u.backing ? v.backing == u.backing + len : v.backing == 0) &&
                         u.file == v.file && (!u.file || v.file_offset == u.file_offset + len);
        ASSERT_FALSE(mergeable) << "areas " << i - 1 << " and " << i << " should have merged, step " << step;
      }
      pieces += v.file != 0;
    }
    ASSERT_EQ(g_refs, pieces) << "file references, step " << step;
    for (uint64_t i = 0; i < kPages; i++) {
      const Vma* v = s.find(i * P + 123);
      ASSERT_EQ(v != nullptr, m[i].mapped) << "page " << i << ", step " << step;
      if (!v) continue;
      ASSERT_EQ(v->prot, m[i].prot);
      ASSERT_EQ(v->flags, m[i].flags);
      ASSERT_EQ(v->file, m[i].file);
      uint64_t off = i * P - v->start;
      ASSERT_EQ(v->backing ? v->backing + off : 0, m[i].backing) << "page " << i << ", step " << step;
      ASSERT_EQ(v->file ? v->file_offset + off : 0, m[i].file_offset) << "page " << i << ", step " << step;
    }
    // find_gap against the highest fitting hole.
    uint64_t len = 1 + pick(8), bottom = pick(kPages), top = pick(kPages + 1), at = 0;
    int64_t want = -1;
    for (int64_t start = int64_t(top) - int64_t(len); start >= int64_t(bottom); start--) {
      bool free_ = true;
      for (uint64_t k = 0; k < len; k++) free_ &= !m[uint64_t(start) + k].mapped;
      if (free_) {
        want = start;
        break;
      }
    }
    ASSERT_EQ(s.find_gap(len * P, bottom * P, top * P, &at), want >= 0)
        << "len " << len << " bottom " << bottom << " top " << top << ", step " << step;
    if (want >= 0) {
      ASSERT_EQ(at, uint64_t(want) * P) << "step " << step;
    }
  }
}

}  // namespace
}  // namespace kiln
