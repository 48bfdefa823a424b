// The scheduler's policy without the machine: runnable threads in FIFO
// (round-robin) order, sleepers ordered by deadline, and when the timer
// must fire next. Portable, so it is unit-tested on the host; thread.cpp
// adds the context switches.
#pragma once

#include <stdint.h>

#include "core/thread.h"

namespace kiln {

class RunQueue {
 public:
  static constexpr uint64_t kNever = ~0ull;

  bool has_ready() const { return !ready_.empty(); }
  void make_ready(Thread* t) { ready_.push_back(t); }
  Thread* take_next() { return ready_.pop_front(); }
  void remove_ready(Thread* t) {
    if (t->run_node.linked()) ready_.remove(t);
  }

  // Sleepers with equal deadlines wake in the order they went to sleep.
  void add_sleeper(Thread* t, uint64_t deadline);
  void remove_sleeper(Thread* t);
  bool is_sleeping(const Thread* t) const { return t->sleep_node.linked(); }
  // The first sleeper whose deadline is at or before `now` (removed), or nullptr.
  Thread* pop_expired(uint64_t now);
  // When the timer should next interrupt: the earliest deadline, or the end
  // of the running thread's slice if another thread is waiting to run.
  uint64_t next_event(uint64_t slice_end) const;

 private:
  WaitList ready_;
  List<Thread, &Thread::sleep_node> sleepers_;
};

}  // namespace kiln
