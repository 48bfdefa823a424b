#include "proc/futex_queue.h"

namespace kiln {

void FutexQueue::enqueue(FutexWaiter* w, uint64_t key, uint32_t bitset) {
  w->key = key;
  w->bitset = bitset;
  w->queued = true;
  bucket(key).push_back(w);
}

void FutexQueue::remove(FutexWaiter* w) {
  if (!w->queued) return;
  bucket(w->key).remove(w);
  w->queued = false;
}

int FutexQueue::wake(uint64_t key, uint32_t bitset, int n, OnWake on_wake) {
  Bucket& b = bucket(key);
  int woken = 0;
  for (FutexWaiter* w = b.front(); w && woken < n;) {
    FutexWaiter* next = b.next_of(w);
    if (w->key == key && (w->bitset & bitset)) {
      b.remove(w);
      w->queued = false;
      on_wake(w);
      woken++;
    }
    w = next;
  }
  return woken;
}

int FutexQueue::requeue(uint64_t from, uint64_t to, int nwake, int nrequeue, OnWake on_wake) {
  int done = wake(from, ~0u, nwake, on_wake);
  Bucket& src = bucket(from);
  Bucket& dst = bucket(to);
  int moved = 0;
  for (FutexWaiter* w = src.front(); w && moved < nrequeue;) {
    FutexWaiter* next = src.next_of(w);
    if (w->key == from) {
      // Within one bucket (from == to included) only the key changes, as in
      // Linux: moving to the back would meet the waiter again in this walk.
      if (&dst != &src) {
        src.remove(w);
        dst.push_back(w);
      }
      w->key = to;
      moved++;
    }
    w = next;
  }
  return done + moved;
}

size_t FutexQueue::waiters(uint64_t key) const {
  size_t n = 0;
  const Bucket& b = bucket(key);
  for (FutexWaiter* w = b.front(); w; w = b.next_of(w)) n += w->key == key;
  return n;
}

}  // namespace kiln
