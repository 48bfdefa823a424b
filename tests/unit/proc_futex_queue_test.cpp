// Futex wait queues: wake counts, bitsets, keys sharing a bucket, requeue.
#include <gtest/gtest.h>

#include <vector>

#include "proc/futex_queue.h"

namespace kiln {
namespace {

std::vector<FutexWaiter*> g_woken;
void record(FutexWaiter* w) { g_woken.push_back(w); }

TEST(FutexQueue, WakesInOrderUpToN) {
  FutexQueue q;
  FutexWaiter a, b, c;
  q.enqueue(&a, 0x1000, ~0u);
  q.enqueue(&b, 0x1000, ~0u);
  q.enqueue(&c, 0x1000, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.wake(0x1000, ~0u, 2, record), 2);
  ASSERT_EQ(g_woken.size(), 2u);
  EXPECT_EQ(g_woken[0], &a);
  EXPECT_EQ(g_woken[1], &b);
  EXPECT_FALSE(a.queued);
  EXPECT_TRUE(c.queued);
  EXPECT_EQ(q.waiters(0x1000), 1u);
}

TEST(FutexQueue, BitsetsAndKeysSelectWaiters) {
  FutexQueue q;
  FutexWaiter a, b, other;
  q.enqueue(&a, 0x2000, 0x1);
  q.enqueue(&b, 0x2000, 0x2);
  // Same bucket (keys differ by a multiple of the bucket count), other key.
  q.enqueue(&other, 0x2000 + 4 * FutexQueue::kBuckets, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.wake(0x2000, 0x2, 10, record), 1);
  EXPECT_EQ(g_woken.at(0), &b);
  EXPECT_EQ(q.wake(0x2000, ~0u, 10, record), 1);
  EXPECT_TRUE(other.queued) << "a waiter on another address is not woken";
}

TEST(FutexQueue, RequeueMovesTheRest) {
  FutexQueue q;
  FutexWaiter w[5];
  for (auto& x : w) q.enqueue(&x, 0x3000, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.requeue(0x3000, 0x4000, 1, 2, record), 3);
  EXPECT_EQ(g_woken.size(), 1u);
  EXPECT_EQ(q.waiters(0x3000), 2u);
  EXPECT_EQ(q.waiters(0x4000), 2u);
  EXPECT_EQ(w[1].key, 0x4000u);
}

TEST(FutexQueue, RemoveOnTimeout) {
  FutexQueue q;
  FutexWaiter a;
  q.enqueue(&a, 0x5000, ~0u);
  q.remove(&a);
  q.remove(&a);  // harmless twice
  EXPECT_EQ(q.waiters(0x5000), 0u);
  EXPECT_EQ(q.wake(0x5000, ~0u, 1, record), 0);
}

// --- More edge cases.

// Keys that land in the same bucket: the bucket index is (key >> 2) % kBuckets.
constexpr uint64_t kSameBucket = 4 * FutexQueue::kBuckets;

TEST(FutexQueue, NothingToWake) {
  FutexQueue q;
  g_woken.clear();
  EXPECT_EQ(q.wake(0x1000, ~0u, 10, record), 0);
  EXPECT_EQ(q.requeue(0x1000, 0x2000, 10, 10, record), 0);
  EXPECT_EQ(q.waiters(0x1000), 0u);
  EXPECT_TRUE(g_woken.empty());
}

TEST(FutexQueue, WakeZeroOrNegativeWakesNobody) {
  FutexQueue q;
  FutexWaiter a;
  q.enqueue(&a, 0x1000, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.wake(0x1000, ~0u, 0, record), 0);
  EXPECT_EQ(q.wake(0x1000, ~0u, -1, record), 0);
  EXPECT_TRUE(a.queued);
  EXPECT_TRUE(g_woken.empty());
}

TEST(FutexQueue, EnqueueRecordsKeyAndBitset) {
  FutexQueue q;
  FutexWaiter a;
  int owner;
  a.owner = &owner;
  q.enqueue(&a, 0xdead0, 0x30);
  EXPECT_EQ(a.key, 0xdead0u);
  EXPECT_EQ(a.bitset, 0x30u);
  EXPECT_TRUE(a.queued);
  EXPECT_EQ(a.owner, &owner);
}

TEST(FutexQueue, BitsetsMustIntersect) {
  FutexQueue q;
  FutexWaiter w[4];
  const uint32_t bits[] = {0x1, 0x2, 0x3, 0x80000000};
  for (int i = 0; i < 4; i++) q.enqueue(&w[i], 0x1000, bits[i]);
  g_woken.clear();
  EXPECT_EQ(q.wake(0x1000, 0x4, 10, record), 0);
  EXPECT_EQ(q.wake(0x1000, 0x0, 10, record), 0) << "an empty bitset matches nobody";
  EXPECT_EQ(q.wake(0x1000, 0x2, 10, record), 2);
  ASSERT_EQ(g_woken.size(), 2u);
  EXPECT_EQ(g_woken[0], &w[1]);
  EXPECT_EQ(g_woken[1], &w[2]);
  EXPECT_EQ(q.wake(0x1000, 0x80000001, 1, record), 1);
  EXPECT_EQ(g_woken.back(), &w[0]) << "n counts only matching waiters, in order";
  EXPECT_EQ(q.waiters(0x1000), 1u);
  EXPECT_EQ(q.wake(0x1000, ~0u, 10, record), 1);
  EXPECT_EQ(g_woken.back(), &w[3]);
}

TEST(FutexQueue, KeysSharingABucketStayApart) {
  FutexQueue q;
  FutexWaiter a1, b1, a2, c1, b2;
  const uint64_t A = 0x7000, B = A + kSameBucket, C = A + 3 * kSameBucket;
  // Keys differing only in the low two bits also share a bucket.
  const uint64_t D = A + 1;
  q.enqueue(&a1, A, ~0u);
  q.enqueue(&b1, B, ~0u);
  q.enqueue(&a2, A, ~0u);
  q.enqueue(&c1, C, ~0u);
  q.enqueue(&b2, D, ~0u);
  EXPECT_EQ(q.waiters(A), 2u);
  EXPECT_EQ(q.waiters(B), 1u);
  EXPECT_EQ(q.waiters(C), 1u);
  EXPECT_EQ(q.waiters(D), 1u);
  g_woken.clear();
  EXPECT_EQ(q.wake(A, ~0u, 10, record), 2);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&a1, &a2}));
  EXPECT_TRUE(b1.queued);
  EXPECT_TRUE(c1.queued);
  EXPECT_TRUE(b2.queued);
  EXPECT_EQ(q.wake(D, ~0u, 10, record), 1);
  EXPECT_EQ(g_woken.back(), &b2);
  EXPECT_EQ(q.wake(B, ~0u, 10, record), 1);
  EXPECT_EQ(q.wake(C, ~0u, 10, record), 1);
}

TEST(FutexQueue, RemoveFromTheMiddleKeepsOrder) {
  FutexQueue q;
  FutexWaiter w[4];
  for (auto& x : w) q.enqueue(&x, 0x9000, ~0u);
  q.remove(&w[1]);
  EXPECT_FALSE(w[1].queued);
  EXPECT_EQ(q.waiters(0x9000), 3u);
  g_woken.clear();
  EXPECT_EQ(q.wake(0x9000, ~0u, 10, record), 3);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&w[0], &w[2], &w[3]}));
  // A woken waiter can wait again.
  q.enqueue(&w[0], 0x9004, 1);
  EXPECT_EQ(q.waiters(0x9004), 1u);
  q.remove(&w[0]);
  EXPECT_EQ(q.waiters(0x9004), 0u);
}

TEST(FutexQueue, RequeueAppendsBehindExistingWaiters) {
  FutexQueue q;
  FutexWaiter old, w[3];
  q.enqueue(&old, 0x4000, ~0u);
  for (auto& x : w) q.enqueue(&x, 0x3000, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.requeue(0x3000, 0x4000, 0, 10, record), 3);
  EXPECT_TRUE(g_woken.empty());
  EXPECT_EQ(q.waiters(0x3000), 0u);
  EXPECT_EQ(q.waiters(0x4000), 4u);
  EXPECT_EQ(q.wake(0x4000, ~0u, 10, record), 4);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&old, &w[0], &w[1], &w[2]}));
}

TEST(FutexQueue, RequeueWakesWithAnyBitsetAndSkipsOtherKeys) {
  FutexQueue q;
  FutexWaiter a, other, b, c;
  q.enqueue(&a, 0x3000, 0x1);
  q.enqueue(&other, 0x3000 + kSameBucket, ~0u);
  q.enqueue(&b, 0x3000, 0x2);
  q.enqueue(&c, 0x3000, 0x4);
  g_woken.clear();
  EXPECT_EQ(q.requeue(0x3000, 0x5000, 1, 1, record), 2);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&a}));
  EXPECT_EQ(b.key, 0x5000u) << "the next waiter moved";
  EXPECT_EQ(c.key, 0x3000u) << "nrequeue bounds the move";
  EXPECT_EQ(other.key, 0x3000 + kSameBucket);
  EXPECT_EQ(q.waiters(0x5000), 1u);
  EXPECT_EQ(q.waiters(0x3000), 1u);
  q.remove(&b);  // a moved waiter is removed from its new queue
  EXPECT_EQ(q.waiters(0x5000), 0u);
  EXPECT_EQ(q.requeue(0x3000, 0x5000, 0, 0, record), 0) << "nothing woken, nothing moved";
}

TEST(FutexQueue, RequeueWithinOneBucket) {
  FutexQueue q;
  FutexWaiter w[3], other;
  const uint64_t from = 0x6000, to = from + kSameBucket;
  q.enqueue(&other, to, ~0u);
  for (auto& x : w) q.enqueue(&x, from, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.requeue(from, to, 0, 100, record), 3) << "each waiter moves once";
  EXPECT_EQ(q.waiters(from), 0u);
  EXPECT_EQ(q.waiters(to), 4u);
  EXPECT_EQ(q.wake(to, ~0u, 10, record), 4);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&other, &w[0], &w[1], &w[2]}));
}

// FUTEX_REQUEUE with uaddr == uaddr2 is allowed on Linux: the requeued waiters
// stay where they are and count once each.
TEST(FutexQueue, RequeueOntoTheSameKey) {
  FutexQueue q;
  FutexWaiter w[3];
  for (auto& x : w) q.enqueue(&x, 0x8000, ~0u);
  g_woken.clear();
  EXPECT_EQ(q.requeue(0x8000, 0x8000, 1, 0x7fffffff, record), 3);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&w[0]}));
  EXPECT_EQ(q.waiters(0x8000), 2u);
  EXPECT_EQ(q.wake(0x8000, ~0u, 10, record), 2);
  EXPECT_EQ(g_woken, (std::vector<FutexWaiter*>{&w[0], &w[1], &w[2]})) << "order kept";
}

}  // namespace
}  // namespace kiln
