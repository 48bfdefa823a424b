// struct timespec checks and conversions between the clocks.
#pragma once

#include <stdint.h>

#include "core/clock.h"
#include "abi/linux/errno.h"
#include "abi/linux/time.h"
#include "mm/uaccess.h"

namespace kiln {

inline bool timespec_valid(const Timespec& t) {
  return t.sec >= 0 && t.nsec >= 0 && t.nsec < 1000000000;
}
inline uint64_t timespec_ns(const Timespec& t) {
  // Saturate far-future times rather than wrapping.
  if (uint64_t(t.sec) > 18000000000ull) return ~0ull >> 1;
  return uint64_t(t.sec) * 1000000000ull + uint64_t(t.nsec);
}
inline Timespec ns_timespec(int64_t ns) {
  Timespec t{ns / 1000000000, ns % 1000000000};
  if (t.nsec < 0) t.nsec += 1000000000, t.sec--;
  return t;
}
// An absolute time on CLOCK_REALTIME or CLOCK_MONOTONIC, as a monotonic deadline.
inline uint64_t absolute_to_monotonic(uint64_t abs_ns, bool realtime) {
  if (!realtime) return abs_ns;
  int64_t delta = int64_t(abs_ns) - realtime_ns();
  uint64_t now = monotonic_ns();
  return delta <= 0 ? now : now + uint64_t(delta);
}

// A deadline for a wait of `ns` from now: 0 means "do not wait" (~0 is
// returned, which the poll family reads as "look once"); see user_timeout.
inline uint64_t deadline_after(uint64_t ns) { return ns ? monotonic_ns() + ns : ~0ull; }

// A struct timespec timeout from user memory (0: wait forever) as a
// deadline for the poll family; 0 or -errno.
inline long read_timeout(uint64_t uts, uint64_t* deadline) {
  *deadline = 0;
  if (!uts) return 0;
  Timespec ts;
  if (!get_user(&ts, uts)) return -kEFAULT;
  if (!timespec_valid(ts)) return -kEINVAL;
  *deadline = deadline_after(timespec_ns(ts));
  return 0;
}

}  // namespace kiln
