// Futex wait queues: wake counts, bitsets, keys sharing a bucket, requeue.
#include <gtest/gtest.h>

#include <vector>

#include "posix/futex_queue.h"

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

}  // namespace
}  // namespace kiln
