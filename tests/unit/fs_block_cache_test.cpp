// The write-back block cache (kernel/fs/block_cache.h) over a memory
// device: hits, write-back only on sync or eviction, sorted and joined
// write-back requests, the memory bound, pinned overflow, discard, errors.
#include "fs/block_cache.h"  // first: kiln's errno names before the C library's macros
#include "abi/linux/errno.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace kiln::fs {
namespace {

class RamDevice final : public BlockDevice {
 public:
  explicit RamDevice(size_t bytes) : data(bytes) {
    for (size_t i = 0; i < bytes; i++) data[i] = uint8_t(i * 7 + i / 512);
  }
  long read(uint64_t sector, uint32_t count, void* buf) override {
    reads++;
    if (fail_reads || sector + count > sectors()) return -EIO;
    std::memcpy(buf, data.data() + sector * kSectorSize, size_t(count) * kSectorSize);
    return 0;
  }
  long write(uint64_t sector, uint32_t count, const void* buf) override {
    if (fail_writes || sector + count > sectors()) return -EIO;
    writes++;
    requests.push_back({sector, count});
    std::memcpy(data.data() + sector * kSectorSize, buf, size_t(count) * kSectorSize);
    return 0;
  }
  long flush() override {
    flushes++;
    return 0;
  }
  uint64_t sectors() const override { return data.size() / kSectorSize; }
  bool read_only() const override { return false; }

  std::vector<uint8_t> data;
  struct Req {
    uint64_t sector;
    uint32_t count;
  };
  std::vector<Req> requests;
  int reads = 0, writes = 0, flushes = 0;
  bool fail_reads = false, fail_writes = false;
};

TEST(BlockCache, ReadsAreCached) {
  RamDevice dev(1 << 20);
  BlockCache c(&dev, 1024, 64 * 1024);
  ASSERT_EQ(c.init(), 0);
  EXPECT_EQ(c.device_blocks(), 1024u);
  BlockRef r;
  ASSERT_EQ(c.get(5, &r), 0);
  EXPECT_EQ(std::memcmp(r.data(), dev.data.data() + 5 * 1024, 1024), 0);
  EXPECT_EQ(r.block(), 5u);
  r.release();
  ASSERT_EQ(c.get(5, &r), 0);
  EXPECT_EQ(dev.reads, 1);
  EXPECT_EQ(c.hits(), 1u);
  EXPECT_TRUE(c.cached(5));
  EXPECT_FALSE(c.cached(6));
  EXPECT_EQ(c.get(1024, &r), -EIO);  // past the device
  EXPECT_FALSE(r.held());
}

TEST(BlockCache, WriteBackOnSyncSortedAndJoined) {
  RamDevice dev(1 << 20);
  BlockCache c(&dev, 1024, 256 * 1024);
  ASSERT_EQ(c.init(), 0);
  // Dirty 9, 3, 4, 5, 20 in that order.
  for (uint64_t b : {9, 3, 4, 5, 20}) {
    BlockRef r;
    ASSERT_EQ(c.get(b, &r), 0);
    std::memset(r.data(), int(b), 1024);
    r.mark_dirty();
  }
  EXPECT_EQ(dev.writes, 0);
  EXPECT_EQ(c.dirty_count(), 5u);
  ASSERT_EQ(c.sync(), 0);
  EXPECT_EQ(c.dirty_count(), 0u);
  EXPECT_EQ(dev.flushes, 1);
  ASSERT_EQ(dev.requests.size(), 3u);  // 3-5 joined, then 9, then 20
  EXPECT_EQ(dev.requests[0].sector, 6u);
  EXPECT_EQ(dev.requests[0].count, 6u);
  EXPECT_EQ(dev.requests[1].sector, 18u);
  EXPECT_EQ(dev.requests[2].sector, 40u);
  for (uint64_t b : {9, 3, 4, 5, 20}) EXPECT_EQ(dev.data[b * 1024 + 17], uint8_t(b));
  // Nothing dirty: sync writes nothing more.
  ASSERT_EQ(c.sync(), 0);
  EXPECT_EQ(dev.requests.size(), 3u);
}

TEST(BlockCache, EvictionWritesDirtyAndKeepsTheBound) {
  RamDevice dev(4 << 20);
  BlockCache c(&dev, 4096, 16 * 4096);  // 16 blocks
  ASSERT_EQ(c.init(), 0);
  for (uint64_t b = 0; b < 200; b++) {
    BlockRef r;
    ASSERT_EQ(c.get_new(b, &r), 0);
    std::memset(r.data(), int(b + 1), 4096);
    EXPECT_LE(c.cached_count(), 16u);
  }
  // Evictions wrote full sweeps: far fewer requests than blocks.
  EXPECT_LT(dev.writes, 40);
  ASSERT_EQ(c.sync(), 0);
  for (uint64_t b = 0; b < 200; b++) ASSERT_EQ(dev.data[b * 4096 + 100], uint8_t(b + 1)) << b;
  // Reading back goes through the cache again, still bounded.
  for (uint64_t b = 0; b < 200; b++) {
    BlockRef r;
    ASSERT_EQ(c.get(b, &r), 0);
    ASSERT_EQ(r.data()[5], uint8_t(b + 1));
  }
  EXPECT_LE(c.cached_count(), 16u);
}

TEST(BlockCache, PinnedOverflowShrinksBack) {
  RamDevice dev(1 << 20);
  BlockCache c(&dev, 1024, 16 * 1024);  // 16 blocks
  ASSERT_EQ(c.init(), 0);
  std::vector<BlockRef> pins(40);
  for (uint64_t b = 0; b < 40; b++) ASSERT_EQ(c.get(b, &pins[b]), 0);
  EXPECT_EQ(c.cached_count(), 40u);
  for (uint64_t b = 0; b < 40; b++) EXPECT_EQ(pins[b].block(), b);
  pins.clear();
  EXPECT_LE(c.cached_count(), 16u);
}

TEST(BlockCache, GetNewZeroesAndDiscardForgets) {
  RamDevice dev(1 << 20);
  BlockCache c(&dev, 1024, 64 * 1024);
  ASSERT_EQ(c.init(), 0);
  {
    BlockRef r;
    ASSERT_EQ(c.get(7, &r), 0);
    r.data()[0] = 0xAA;
    r.mark_dirty();
  }
  {
    BlockRef r;
    ASSERT_EQ(c.get_new(7, &r), 0);  // cached: zeroed in place
    EXPECT_EQ(r.data()[0], 0);
    EXPECT_EQ(r.data()[1023], 0);
  }
  c.discard(7);
  EXPECT_FALSE(c.cached(7));
  EXPECT_EQ(c.dirty_count(), 0u);
  uint8_t before = dev.data[7 * 1024];
  ASSERT_EQ(c.sync(), 0);
  EXPECT_EQ(dev.data[7 * 1024], before);  // the discarded write never happened
  // read_direct bypasses the cache.
  std::vector<uint8_t> buf(3 * 1024);
  ASSERT_EQ(c.read_direct(10, 3, buf.data()), 0);
  EXPECT_EQ(std::memcmp(buf.data(), dev.data.data() + 10 * 1024, buf.size()), 0);
  EXPECT_EQ(c.read_direct(1023, 2, buf.data()), -EIO);
}

TEST(BlockCache, ErrorsKeepBlocksDirty) {
  RamDevice dev(1 << 20);
  BlockCache c(&dev, 1024, 16 * 1024);
  ASSERT_EQ(c.init(), 0);
  {
    BlockRef r;
    ASSERT_EQ(c.get(1, &r), 0);
    r.mark_dirty();
  }
  dev.fail_writes = true;
  EXPECT_EQ(c.sync(), -EIO);
  EXPECT_EQ(c.dirty_count(), 1u);
  // An eviction that cannot write back fails instead of losing data.
  for (uint64_t b = 2; b < 17; b++) {
    BlockRef r;
    ASSERT_EQ(c.get(b, &r), 0);
  }
  BlockRef r;
  EXPECT_EQ(c.get(100, &r), -EIO);
  dev.fail_writes = false;
  EXPECT_EQ(c.get(100, &r), 0);
  EXPECT_EQ(c.dirty_count(), 0u);
  dev.fail_reads = true;
  EXPECT_EQ(c.get(200, &r), -EIO);
  dev.fail_reads = false;
  EXPECT_EQ(c.get(200, &r), 0);
}

}  // namespace
}  // namespace kiln::fs
