// Clocks and sleeping.
#include "core/clock.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "abi/linux/time.h"
#include "proc/signal.h"
#include "proc/syscalls.h"
#include "mm/user_time.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

// Returns false for an unknown clock.
bool clock_now(int id, int64_t* ns) {
  switch (id) {
    case kCLOCK_REALTIME:
    case kCLOCK_REALTIME_COARSE:
    case kCLOCK_REALTIME_ALARM:
    case kCLOCK_TAI:
      *ns = realtime_ns();
      return true;
    case kCLOCK_MONOTONIC:
    case kCLOCK_MONOTONIC_RAW:
    case kCLOCK_MONOTONIC_COARSE:
    case kCLOCK_BOOTTIME:
    case kCLOCK_BOOTTIME_ALARM:
    // One program on one CPU: its CPU time is approximated by time since boot.
    case kCLOCK_PROCESS_CPUTIME_ID:
    case kCLOCK_THREAD_CPUTIME_ID:
      *ns = int64_t(monotonic_ns());
      return true;
    default:
      return false;
  }
}

// Sleeps until the monotonic deadline. A signal ends it early with -EINTR
// and, for relative sleeps, the time left written to `urem`.
long sleep_to(uint64_t deadline, uint64_t urem) {
  WaitList never_woken;
  while (monotonic_ns() < deadline) {
    if (signal_pending()) {
      uint64_t now = monotonic_ns();
      Timespec left = ns_timespec(int64_t(deadline > now ? deadline - now : 0));
      if (urem && !put_user(urem, left)) return -kEFAULT;
      return -kEINTR;
    }
    wait_on(never_woken, deadline);
  }
  return 0;
}

}  // namespace

long sys_clock_gettime(uint64_t id, uint64_t uts, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t ns;
  if (!clock_now(int(id), &ns)) return -kEINVAL;
  Timespec ts = ns_timespec(ns);
  return put_user(uts, ts) ? 0 : -kEFAULT;
}

long sys_clock_getres(uint64_t id, uint64_t uts, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t ns;
  if (!clock_now(int(id), &ns)) return -kEINVAL;
  Timespec res{0, 1};
  if (uts && !put_user(uts, res)) return -kEFAULT;
  return 0;
}

long sys_gettimeofday(uint64_t utv, uint64_t utz, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (utv) {
    int64_t ns = realtime_ns();
    Timeval tv{ns / 1000000000, (ns % 1000000000) / 1000};
    if (!put_user(utv, tv)) return -kEFAULT;
  }
  if (utz) {
    Timezone tz{0, 0};
    if (!put_user(utz, tz)) return -kEFAULT;
  }
  return 0;
}

long sys_time(uint64_t ut, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t s = realtime_ns() / 1000000000;
  if (ut && !put_user(ut, s)) return -kEFAULT;
  return s;
}

long sys_nanosleep(uint64_t ureq, uint64_t urem, uint64_t, uint64_t, uint64_t, uint64_t) {
  Timespec req;
  if (!get_user(&req, ureq)) return -kEFAULT;
  if (!timespec_valid(req)) return -kEINVAL;
  return sleep_to(monotonic_ns() + timespec_ns(req), urem);
}

long sys_clock_nanosleep(uint64_t id, uint64_t flags, uint64_t ureq, uint64_t urem, uint64_t,
                         uint64_t) {
  int64_t now;
  if (!clock_now(int(id), &now)) return -kEINVAL;
  if (id == kCLOCK_THREAD_CPUTIME_ID) return -kEINVAL;
  Timespec req;
  if (!get_user(&req, ureq)) return -kEFAULT;
  if (!timespec_valid(req)) return -kEINVAL;
  uint64_t ns = timespec_ns(req);
  bool realtime = id == kCLOCK_REALTIME || id == kCLOCK_REALTIME_ALARM || id == kCLOCK_TAI;
  uint64_t deadline = (flags & kTIMER_ABSTIME) ? absolute_to_monotonic(ns, realtime)
                                              : monotonic_ns() + ns;
  // An absolute sleep has no remainder to report.
  return sleep_to(deadline, (flags & kTIMER_ABSTIME) ? 0 : urem);
}

long sys_times(uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t ticks = int64_t(monotonic_ns() / (1000000000 / kUSER_HZ));
  if (ubuf) {
    Tms t{ticks, 0, 0, 0};
    if (!put_user(ubuf, t)) return -kEFAULT;
  }
  return ticks;
}

}  // namespace kiln
