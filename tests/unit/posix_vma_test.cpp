// The VMA bookkeeping: inserting, merging, splitting, protecting, finding gaps.
#include <gtest/gtest.h>

#include <vector>

#include "posix/vma.h"

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
  ASSERT_TRUE(s.insert({10 * P, 20 * P, kProtRead, 0}));
  ASSERT_TRUE(s.insert({20 * P, 30 * P, kProtRead, 0}));  // same: merged
  ASSERT_TRUE(s.insert({30 * P, 40 * P, kProtRead | kProtWrite, 0}));  // different prot
  EXPECT_FALSE(s.insert({15 * P, 25 * P, kProtRead, 0})) << "overlap refused";
  auto v = all(s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].start, 10 * P);
  EXPECT_EQ(v[0].end, 30 * P);
  EXPECT_EQ(v[1].prot, kProtRead | kProtWrite);
  EXPECT_EQ(s.find(29 * P)->start, 10 * P);
  EXPECT_EQ(s.find(9 * P), nullptr);
  EXPECT_TRUE(s.covered(12 * P, 35 * P));
  EXPECT_FALSE(s.covered(5 * P, 12 * P));
}

TEST(VmaSet, RemoveSplitsAndReportsPieces) {
  static VmaSet s;
  s = VmaSet{};
  s.insert({0x10000, 0x20000, kProtRead, 0});
  s.insert({0x30000, 0x40000, kProtRead, 0});
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
  s.insert({0, 10 * P, kProtRead | kProtWrite, 0});
  ASSERT_TRUE(s.protect(3 * P, 4 * P, kProtRead));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.find(3 * P)->prot, kProtRead);
  ASSERT_TRUE(s.protect(3 * P, 4 * P, kProtRead | kProtWrite));
  EXPECT_EQ(s.size(), 1u) << "equal neighbours merge again";
  EXPECT_FALSE(s.protect(9 * P, 11 * P, kProtRead)) << "part of the range is unmapped";
}

TEST(VmaSet, FindGapTopDown) {
  static VmaSet s;
  s = VmaSet{};
  s.insert({100 * P, 200 * P, kProtRead, 0});
  s.insert({250 * P, 300 * P, kProtRead, 0});
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
  ASSERT_TRUE(s.insert({0, 8 * P, kProtRead, 0, 0, 0x1234, 0}));
  ASSERT_TRUE(s.protect(2 * P, 3 * P, kProtRead | kProtWrite));  // two splits
  EXPECT_EQ(refs, 3);
  EXPECT_EQ(s.find(2 * P)->file_offset, 2 * P) << "the offset follows the split";
  ASSERT_TRUE(s.protect(2 * P, 3 * P, kProtRead));  // merged back
  EXPECT_EQ(refs, 1);
}

}  // namespace
}  // namespace kiln
