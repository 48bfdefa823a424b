// Futex wait queues: who waits on which address, with which bitset.
// Portable bookkeeping (unit-tested on the host); blocking and waking the
// threads is the caller's job, through the on_wake callback.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"

namespace kiln {

struct FutexWaiter {
  uint64_t key = 0;        // the user address (one address space: no mm key)
  uint32_t bitset = 0;
  void* owner = nullptr;   // the blocked thread
  bool queued = false;
  ListNode node;
};

class FutexQueue {
 public:
  static constexpr size_t kBuckets = 64;
  using OnWake = void (*)(FutexWaiter*);

  void enqueue(FutexWaiter* w, uint64_t key, uint32_t bitset);
  void remove(FutexWaiter* w);  // timeout or interruption
  // Wakes up to n waiters on key whose bitset intersects `bitset`.
  int wake(uint64_t key, uint32_t bitset, int n, OnWake on_wake);
  // Wakes up to nwake waiters on from, moves up to nrequeue more to `to`.
  // Returns the number woken plus requeued.
  int requeue(uint64_t from, uint64_t to, int nwake, int nrequeue, OnWake on_wake);
  size_t waiters(uint64_t key) const;

 private:
  using Bucket = List<FutexWaiter, &FutexWaiter::node>;
  Bucket& bucket(uint64_t key) { return buckets_[(key >> 2) % kBuckets]; }
  const Bucket& bucket(uint64_t key) const { return buckets_[(key >> 2) % kBuckets]; }
  Bucket buckets_[kBuckets];
};

}  // namespace kiln
