// The split virtqueue against a simulated device that reads the rings as
// the virtio 1.x spec lays them out (section 2.7).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "drivers/virtio/virtqueue.h"

using kiln::virtio::Chunk;
using kiln::virtio::DmaRegion;
using kiln::virtio::Virtqueue;

namespace {

struct Part {
  uint64_t addr;
  uint32_t len;
  bool write;
};

struct RawDesc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags, next;
};

// The device side: device addresses are host pointers here.
class FakeDevice {
 public:
  explicit FakeDevice(Virtqueue& q) : q_(q) {}

  template <typename T>
  static T* at(uint64_t addr) { return reinterpret_cast<T*>(addr); }

  uint16_t* avail() const { return at<uint16_t>(q_.avail_address()); }
  uint16_t* used() const { return at<uint16_t>(q_.used_address()); }
  uint16_t used_event() const { return avail()[2 + q_.size()]; }
  void set_avail_event(uint16_t v) { used()[2 + 4 * q_.size()] = v; }
  void set_no_notify(bool on) { used()[0] = on ? 1 : 0; }

  // The next chain the driver made available: its head and parts.
  bool next(uint16_t* head, std::vector<Part>* parts) {
    if (avail()[1] == last_avail_) return false;
    *head = avail()[2 + (last_avail_ % q_.size())];
    last_avail_++;
    parts->clear();
    auto table = at<RawDesc>(q_.desc_address());
    RawDesc d = table[*head];
    if (d.flags & 4) {  // indirect
      auto ind = at<RawDesc>(d.addr);
      for (uint32_t i = 0;; i = ind[i].next) {
        parts->push_back({ind[i].addr, ind[i].len, (ind[i].flags & 2) != 0});
        if (!(ind[i].flags & 1)) break;
        EXPECT_LT(ind[i].next, d.len / 16);
      }
      return true;
    }
    for (uint16_t i = *head;; i = table[i].next) {
      parts->push_back({table[i].addr, table[i].len, (table[i].flags & 2) != 0});
      if (!(table[i].flags & 1)) break;
    }
    return true;
  }

  // Puts a used entry; returns whether the driver asked for an interrupt.
  bool complete(uint32_t id, uint32_t len, bool event_idx) {
    auto entry = reinterpret_cast<uint32_t*>(reinterpret_cast<char*>(used()) + 4 +
                                             8 * (used_idx_ % q_.size()));
    entry[0] = id;
    entry[1] = len;
    uint16_t old = used_idx_++;
    used()[1] = used_idx_;
    if (event_idx) return uint16_t(used_idx_ - used_event() - 1) < uint16_t(used_idx_ - old);
    return !(avail()[0] & 1);
  }

 private:
  Virtqueue& q_;
  uint16_t last_avail_ = 0, used_idx_ = 0;
};

class VirtqueueTest : public ::testing::Test {
 protected:
  void make(uint16_t size, bool event_idx, uint16_t indirect_max) {
    size_t bytes = (Virtqueue::memory_size(size, indirect_max) + 4095) & ~size_t(4095);
    mem_ = std::aligned_alloc(4096, bytes);
    std::memset(mem_, 0, bytes);
    q_.init(size, DmaRegion{mem_, reinterpret_cast<uint64_t>(mem_)}, event_idx, indirect_max);
    event_idx_ = event_idx;
  }
  void TearDown() override { std::free(mem_); }

  void* token(uintptr_t n) { return reinterpret_cast<void*>(n); }

  Virtqueue q_;
  FakeDevice dev_{q_};
  void* mem_ = nullptr;
  bool event_idx_ = false;
};

TEST_F(VirtqueueTest, LayoutFollowsTheSpecAlignment) {
  make(256, true, 8);
  EXPECT_EQ(q_.desc_address() % 16, 0u);
  EXPECT_EQ(q_.avail_address(), q_.desc_address() + 16 * 256);
  EXPECT_EQ(q_.used_address() % 4, 0u);
  EXPECT_GE(q_.used_address(), q_.avail_address() + 2 * (3 + 256));
  EXPECT_EQ(q_.free_descriptors(), 256);
}

TEST_F(VirtqueueTest, ChainOfReadAndWrittenChunks) {
  make(16, false, 0);
  Chunk out[2] = {{0x1000, 16}, {0x2000, 512}};
  Chunk in[1] = {{0x3000, 1}};
  ASSERT_TRUE(q_.add(out, 2, in, 1, token(7)));
  EXPECT_EQ(q_.free_descriptors(), 13);
  EXPECT_TRUE(q_.publish());
  uint16_t head;
  std::vector<Part> parts;
  ASSERT_TRUE(dev_.next(&head, &parts));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].addr, 0x1000u);
  EXPECT_FALSE(parts[0].write);
  EXPECT_EQ(parts[1].len, 512u);
  EXPECT_FALSE(parts[1].write);
  EXPECT_EQ(parts[2].addr, 0x3000u);
  EXPECT_TRUE(parts[2].write);
  EXPECT_FALSE(q_.has_completed());
  uint32_t written = 0;
  EXPECT_EQ(q_.pop(&written), nullptr);
  dev_.complete(head, 1, false);
  EXPECT_TRUE(q_.has_completed());
  EXPECT_EQ(q_.pop(&written), token(7));
  EXPECT_EQ(written, 1u);
  EXPECT_EQ(q_.free_descriptors(), 16);
  EXPECT_EQ(q_.in_flight(), 0);
}

TEST_F(VirtqueueTest, IndirectTableTakesOneSlot) {
  make(8, false, 4);
  Chunk out[3] = {{0x10, 1}, {0x20, 2}, {0x30, 3}};
  Chunk in[1] = {{0x40, 4}};
  ASSERT_TRUE(q_.add(out, 3, in, 1, token(1)));
  EXPECT_EQ(q_.free_descriptors(), 7);
  // Five chunks do not fit the table: direct descriptors.
  Chunk five[5] = {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}};
  ASSERT_TRUE(q_.add(five, 5, nullptr, 0, token(2)));
  EXPECT_EQ(q_.free_descriptors(), 2);
  q_.publish();
  uint16_t head;
  std::vector<Part> parts;
  ASSERT_TRUE(dev_.next(&head, &parts));
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[2].addr, 0x30u);
  EXPECT_TRUE(parts[3].write);
  dev_.complete(head, 4, false);
  uint16_t head2;
  ASSERT_TRUE(dev_.next(&head2, &parts));
  EXPECT_EQ(parts.size(), 5u);
  dev_.complete(head2, 0, false);
  EXPECT_EQ(q_.pop(nullptr), token(1));
  EXPECT_EQ(q_.pop(nullptr), token(2));
  EXPECT_EQ(q_.free_descriptors(), 8);
}

TEST_F(VirtqueueTest, FullRingRefusesAndRecovers) {
  make(8, true, 0);
  Chunk c{0x1000, 64};
  for (uintptr_t i = 1; i <= 8; i++) ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(i)));
  EXPECT_FALSE(q_.add(&c, 1, nullptr, 0, token(9)));
  Chunk two[2] = {c, c};
  EXPECT_FALSE(q_.add(two, 2, nullptr, 0, token(9)));
  EXPECT_EQ(q_.in_flight(), 8);
  q_.publish();
  // Completed out of order: tokens come back in completion order and the
  // free list stays whole.
  std::vector<uint16_t> heads;
  uint16_t h;
  std::vector<Part> parts;
  while (dev_.next(&h, &parts)) heads.push_back(h);
  ASSERT_EQ(heads.size(), 8u);
  for (int i : {5, 2, 7, 0}) dev_.complete(heads[size_t(i)], 0, true);
  EXPECT_EQ(q_.pop(nullptr), token(6));
  EXPECT_EQ(q_.pop(nullptr), token(3));
  EXPECT_EQ(q_.pop(nullptr), token(8));
  EXPECT_EQ(q_.pop(nullptr), token(1));
  EXPECT_EQ(q_.pop(nullptr), nullptr);
  EXPECT_EQ(q_.free_descriptors(), 4);
  Chunk four[4] = {c, c, c, c};
  EXPECT_TRUE(q_.add(four, 2, four + 2, 2, token(10)));
  EXPECT_EQ(q_.free_descriptors(), 0);
}

TEST_F(VirtqueueTest, OneNotificationPerBatchWithEventIdx) {
  make(64, true, 0);
  Chunk c{0x1000, 64};
  EXPECT_FALSE(q_.publish());  // nothing new
  for (uintptr_t i = 1; i <= 10; i++) ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(i)));
  EXPECT_TRUE(q_.publish());  // avail_event 0: the device wants to hear of index 0 onwards
  EXPECT_FALSE(q_.publish());
  // The device asks to be told once the index passes 15.
  dev_.set_avail_event(15);
  for (uintptr_t i = 11; i <= 14; i++) ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(i)));
  EXPECT_FALSE(q_.publish());  // 10 -> 14
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(15)));
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(16)));
  EXPECT_TRUE(q_.publish());  // 14 -> 16 passes 15
  EXPECT_EQ(FakeDevice::at<uint16_t>(q_.avail_address())[1], 16);
}

TEST_F(VirtqueueTest, NoNotifyFlagWithoutEventIdx) {
  make(16, false, 0);
  Chunk c{0x1000, 64};
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(1)));
  dev_.set_no_notify(true);
  EXPECT_FALSE(q_.publish());
  dev_.set_no_notify(false);
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(2)));
  EXPECT_TRUE(q_.publish());
}

TEST_F(VirtqueueTest, InterruptSuppressionWithEventIdx) {
  make(16, true, 0);
  Chunk c{0x1000, 64};
  for (uintptr_t i = 1; i <= 6; i++) ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(i)));
  q_.publish();
  std::vector<uint16_t> heads;
  uint16_t h;
  std::vector<Part> parts;
  while (dev_.next(&h, &parts)) heads.push_back(h);

  EXPECT_TRUE(q_.enable_interrupts());
  EXPECT_TRUE(dev_.complete(heads[0], 0, true));   // the first completion interrupts
  EXPECT_FALSE(dev_.complete(heads[1], 0, true));  // later ones wait for the driver
  EXPECT_FALSE(q_.enable_interrupts());            // two waiting: pop them first
  EXPECT_NE(q_.pop(nullptr), nullptr);
  EXPECT_NE(q_.pop(nullptr), nullptr);
  EXPECT_TRUE(q_.enable_interrupts());
  EXPECT_TRUE(dev_.complete(heads[2], 0, true));
  EXPECT_NE(q_.pop(nullptr), nullptr);
  q_.disable_interrupts();
  EXPECT_FALSE(dev_.complete(heads[3], 0, true));
  EXPECT_NE(q_.pop(nullptr), nullptr);
  EXPECT_FALSE(dev_.complete(heads[4], 0, true));
  EXPECT_NE(q_.pop(nullptr), nullptr);
  EXPECT_TRUE(q_.enable_interrupts());
  EXPECT_TRUE(dev_.complete(heads[5], 0, true));
}

TEST_F(VirtqueueTest, InterruptFlagWithoutEventIdx) {
  make(16, false, 0);
  Chunk c{0x1000, 64};
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(1)));
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(2)));
  q_.publish();
  uint16_t h1, h2;
  std::vector<Part> parts;
  dev_.next(&h1, &parts);
  dev_.next(&h2, &parts);
  q_.disable_interrupts();
  EXPECT_FALSE(dev_.complete(h1, 0, false));
  EXPECT_FALSE(q_.enable_interrupts());
  q_.pop(nullptr);
  EXPECT_TRUE(q_.enable_interrupts());
  EXPECT_TRUE(dev_.complete(h2, 0, false));
}

TEST_F(VirtqueueTest, DelayedInterruptAtThreeQuarters) {
  make(16, true, 0);
  Chunk c{0x1000, 64};
  for (uintptr_t i = 1; i <= 8; i++) ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(i)));
  q_.publish();
  std::vector<uint16_t> heads;
  uint16_t h;
  std::vector<Part> parts;
  while (dev_.next(&h, &parts)) heads.push_back(h);
  EXPECT_TRUE(q_.enable_interrupts_delayed());
  int interrupts = 0, first = -1;
  for (int i = 0; i < 8; i++)
    if (dev_.complete(heads[size_t(i)], 0, true) && interrupts++ == 0) first = i;
  EXPECT_EQ(interrupts, 1);
  EXPECT_EQ(first, 6);  // the used index passes in_flight * 3/4 = 6
}

TEST_F(VirtqueueTest, IndicesWrapAround) {
  make(4, true, 2);
  Chunk c[2] = {{0x1000, 8}, {0x2000, 8}};
  int interrupts = 0;
  for (uintptr_t i = 1; i <= 70000; i++) {
    ASSERT_TRUE(q_.add(c, 1, c + 1, 1, token(i)));
    q_.publish();
    uint16_t h;
    std::vector<Part> parts;
    ASSERT_TRUE(dev_.next(&h, &parts));
    ASSERT_EQ(parts.size(), 2u);
    interrupts += dev_.complete(h, 8, true);
    uint32_t written;
    ASSERT_EQ(q_.pop(&written), token(i));
    ASSERT_TRUE(q_.enable_interrupts());
  }
  EXPECT_EQ(interrupts, 70000);
  EXPECT_EQ(q_.free_descriptors(), 4);
}

TEST_F(VirtqueueTest, BogusUsedEntriesAreSkipped) {
  make(8, false, 0);
  Chunk c{0x1000, 64};
  ASSERT_TRUE(q_.add(&c, 1, nullptr, 0, token(1)));
  q_.publish();
  uint16_t h;
  std::vector<Part> parts;
  dev_.next(&h, &parts);
  dev_.complete(uint32_t(h) + 1, 0, false);  // not in flight
  dev_.complete(1000, 0, false);             // out of range
  dev_.complete(h, 3, false);
  uint32_t written;
  EXPECT_EQ(q_.pop(&written), token(1));
  EXPECT_EQ(written, 3u);
  EXPECT_EQ(q_.bad_completions(), 2u);
  EXPECT_EQ(q_.free_descriptors(), 8);
}

}  // namespace
