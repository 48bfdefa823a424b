// The scheduler's policy: round-robin order, deadline order, timer events.
#include "core/run_queue.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(RunQueue, ReadyThreadsRunInFifoOrder) {
  RunQueue q;
  Thread a, b, c;
  EXPECT_FALSE(q.has_ready());
  q.make_ready(&a);
  q.make_ready(&b);
  q.make_ready(&c);
  EXPECT_EQ(q.take_next(), &a);
  q.make_ready(&a);  // a yielded: it goes behind c
  EXPECT_EQ(q.take_next(), &b);
  EXPECT_EQ(q.take_next(), &c);
  EXPECT_EQ(q.take_next(), &a);
  EXPECT_EQ(q.take_next(), nullptr);
}

TEST(RunQueue, SleepersWakeByDeadlineThenArrival) {
  RunQueue q;
  Thread a, b, c, d;
  q.add_sleeper(&a, 300);
  q.add_sleeper(&b, 100);
  q.add_sleeper(&c, 300);
  q.add_sleeper(&d, 200);
  EXPECT_EQ(q.pop_expired(99), nullptr);
  EXPECT_EQ(q.pop_expired(100), &b);
  EXPECT_EQ(q.pop_expired(250), &d);
  EXPECT_EQ(q.pop_expired(250), nullptr);
  EXPECT_EQ(q.pop_expired(1000), &a);  // equal deadlines: first come, first woken
  EXPECT_EQ(q.pop_expired(1000), &c);
  EXPECT_EQ(q.pop_expired(1000), nullptr);
  EXPECT_EQ(a.wake_at, 0u);
}

TEST(RunQueue, RemovedSleeperNeverExpires) {
  RunQueue q;
  Thread a, b;
  q.add_sleeper(&a, 10);
  q.add_sleeper(&b, 20);
  EXPECT_TRUE(q.is_sleeping(&a));
  q.remove_sleeper(&a);  // woken early (futex wake)
  EXPECT_FALSE(q.is_sleeping(&a));
  q.remove_sleeper(&a);  // idempotent
  EXPECT_EQ(q.pop_expired(100), &b);
  EXPECT_EQ(q.pop_expired(100), nullptr);
}

TEST(RunQueue, NextEventIsEarliestDeadlineOrSliceEnd) {
  RunQueue q;
  Thread sleeper, other;
  EXPECT_EQ(q.next_event(500), RunQueue::kNever);  // alone, nobody asleep: no tick
  q.add_sleeper(&sleeper, 800);
  EXPECT_EQ(q.next_event(500), 800u);  // nobody else ready: the slice does not matter
  q.make_ready(&other);
  EXPECT_EQ(q.next_event(500), 500u);  // someone waits: end the slice
  EXPECT_EQ(q.next_event(900), 800u);
  q.take_next();
  q.remove_sleeper(&sleeper);
  EXPECT_EQ(q.next_event(500), RunQueue::kNever);
}

}  // namespace
}  // namespace kiln
