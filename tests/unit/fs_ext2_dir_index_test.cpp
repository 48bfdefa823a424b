// The in-memory index of large ext2 directories (kernel/fs/ext2/dir_index.h):
// positions by name hash through collisions, erasures and growth, against a
// model; the per-block room table.
#include "fs/ext2/dir_index.h"  // first: kiln's errno names before the C library's macros

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace kiln::fs::ext2 {
namespace {

std::vector<uint32_t> positions(const DirIndex& ix, uint32_t hash) {
  std::vector<uint32_t> out;
  uint32_t cursor = 0, pos;
  while (ix.next(hash, &cursor, &pos)) out.push_back(pos);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DirIndex, HashIsFnv1a) {
  EXPECT_EQ(DirIndex::hash("", 0), 2166136261u);
  EXPECT_EQ(DirIndex::hash("a", 1), 0xe40c292cu);
  EXPECT_EQ(DirIndex::hash("foobar", 6), 0xbf9cf968u);
  EXPECT_NE(DirIndex::hash("ab", 2), DirIndex::hash("ba", 2));
}

TEST(DirIndex, EmptyFindsNothing) {
  DirIndex ix;
  EXPECT_TRUE(positions(ix, 42).empty());
  ix.erase(42, 7);  // erasing what is not there changes nothing
  EXPECT_TRUE(positions(ix, 42).empty());
}

TEST(DirIndex, CollisionsKeepEveryPosition) {
  DirIndex ix;
  for (uint32_t pos = 0; pos < 100; pos++) ASSERT_TRUE(ix.insert(7, pos * 12));
  ASSERT_TRUE(ix.insert(8, 5000));
  auto at7 = positions(ix, 7);
  ASSERT_EQ(at7.size(), 100u);
  EXPECT_EQ(at7.front(), 0u);
  EXPECT_EQ(at7.back(), 99u * 12);
  EXPECT_EQ(positions(ix, 8), std::vector<uint32_t>{5000});
  ix.erase(7, 12);
  ix.erase(7, 24);
  EXPECT_EQ(positions(ix, 7).size(), 98u);
  EXPECT_EQ(positions(ix, 8), std::vector<uint32_t>{5000});
}

// Random inserts and erases of 20,000 entries over a few hundred hashes
// (many collisions, many tombstones, several growths) match a model.
TEST(DirIndex, MatchesModel) {
  DirIndex ix;
  std::multimap<uint32_t, uint32_t> model;  // hash -> pos
  std::mt19937 rng(1);
  uint32_t next_pos = 0;
  for (int step = 0; step < 20000; step++) {
    if (model.empty() || rng() % 3) {
      uint32_t h = rng() % 300;
      ASSERT_TRUE(ix.insert(h, next_pos));
      model.emplace(h, next_pos);
      next_pos += 12;
    } else {
      auto it = model.begin();
      std::advance(it, rng() % model.size());
      ix.erase(it->first, it->second);
      model.erase(it);
    }
  }
  for (uint32_t h = 0; h < 300; h++) {
    std::vector<uint32_t> want;
    for (auto [it, end] = model.equal_range(h); it != end; ++it) want.push_back(it->second);
    std::sort(want.begin(), want.end());
    ASSERT_EQ(positions(ix, h), want) << "hash " << h;
  }
}

TEST(DirIndex, ManyDistinctNames) {
  DirIndex ix;
  char name[32];
  for (uint32_t i = 0; i < 50000; i++) {
    int n = snprintf(name, sizeof name, "file-%05u", i);
    ASSERT_TRUE(ix.insert(DirIndex::hash(name, size_t(n)), i * 20));
  }
  for (uint32_t i = 0; i < 50000; i += 997) {
    int n = snprintf(name, sizeof name, "file-%05u", i);
    auto at = positions(ix, DirIndex::hash(name, size_t(n)));
    EXPECT_NE(std::find(at.begin(), at.end(), i * 20), at.end()) << name;
  }
  int n = snprintf(name, sizeof name, "file-%05u", 50000u);
  EXPECT_TRUE(positions(ix, DirIndex::hash(name, size_t(n))).empty());
}

TEST(DirIndex, RoomIsFirstFit) {
  DirIndex ix;
  EXPECT_EQ(ix.blocks(), 0u);
  EXPECT_EQ(ix.first_with_room(12), 0u);  // no block: "none has room" is blocks() = 0
  for (uint32_t b = 0; b < 200; b++) ASSERT_TRUE(ix.set_room(b, 8));  // grows past 64
  EXPECT_EQ(ix.blocks(), 200u);
  EXPECT_EQ(ix.first_with_room(12), 200u);
  ASSERT_TRUE(ix.set_room(150, 40));
  ASSERT_TRUE(ix.set_room(70, 16));
  EXPECT_EQ(ix.first_with_room(12), 70u);
  EXPECT_EQ(ix.first_with_room(20), 150u);
  EXPECT_EQ(ix.first_with_room(44), 200u);
  ASSERT_TRUE(ix.set_room(300, 4096));  // blocks never set in between have no room
  EXPECT_EQ(ix.blocks(), 301u);
  EXPECT_EQ(ix.first_with_room(44), 300u);
}

}  // namespace
}  // namespace kiln::fs::ext2
