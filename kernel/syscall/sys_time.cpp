// Clocks and sleeping.
#include "core/clock.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "proc/signal.h"
#include "proc/syscalls.h"
#include "mm/user_time.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
              CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
              CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8,
              CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
constexpr int TIMER_ABSTIME = 1;

// Returns false for an unknown clock.
bool clock_now(int id, int64_t* ns) {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
      *ns = realtime_ns();
      return true;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
    // One program on one CPU: its CPU time is approximated by time since boot.
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
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
      if (urem && !put_user(urem, left)) return -EFAULT;
      return -EINTR;
    }
    wait_on(never_woken, deadline);
  }
  return 0;
}

}  // namespace

long sys_clock_gettime(uint64_t id, uint64_t uts, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t ns;
  if (!clock_now(int(id), &ns)) return -EINVAL;
  Timespec ts = ns_timespec(ns);
  return put_user(uts, ts) ? 0 : -EFAULT;
}

long sys_clock_getres(uint64_t id, uint64_t uts, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t ns;
  if (!clock_now(int(id), &ns)) return -EINVAL;
  Timespec res{0, 1};
  if (uts && !put_user(uts, res)) return -EFAULT;
  return 0;
}

long sys_gettimeofday(uint64_t utv, uint64_t utz, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (utv) {
    int64_t ns = realtime_ns();
    int64_t tv[2] = {ns / 1000000000, (ns % 1000000000) / 1000};
    if (!copy_to_user(utv, tv, sizeof tv)) return -EFAULT;
  }
  if (utz) {
    int32_t tz[2] = {0, 0};
    if (!copy_to_user(utz, tz, sizeof tz)) return -EFAULT;
  }
  return 0;
}

long sys_time(uint64_t ut, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t s = realtime_ns() / 1000000000;
  if (ut && !put_user(ut, s)) return -EFAULT;
  return s;
}

long sys_nanosleep(uint64_t ureq, uint64_t urem, uint64_t, uint64_t, uint64_t, uint64_t) {
  Timespec req;
  if (!get_user(&req, ureq)) return -EFAULT;
  if (!timespec_valid(req)) return -EINVAL;
  return sleep_to(monotonic_ns() + timespec_ns(req), urem);
}

long sys_clock_nanosleep(uint64_t id, uint64_t flags, uint64_t ureq, uint64_t urem, uint64_t,
                         uint64_t) {
  int64_t now;
  if (!clock_now(int(id), &now)) return -EINVAL;
  if (id == CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  Timespec req;
  if (!get_user(&req, ureq)) return -EFAULT;
  if (!timespec_valid(req)) return -EINVAL;
  uint64_t ns = timespec_ns(req);
  bool realtime = id == CLOCK_REALTIME || id == CLOCK_REALTIME_ALARM || id == CLOCK_TAI;
  uint64_t deadline = (flags & TIMER_ABSTIME) ? absolute_to_monotonic(ns, realtime)
                                              : monotonic_ns() + ns;
  // An absolute sleep has no remainder to report.
  return sleep_to(deadline, (flags & TIMER_ABSTIME) ? 0 : urem);
}

long sys_times(uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  int64_t ticks = int64_t(monotonic_ns() / 10000000);  // USER_HZ = 100
  if (ubuf) {
    int64_t t[4] = {ticks, 0, 0, 0};
    if (!copy_to_user(ubuf, t, sizeof t)) return -EFAULT;
  }
  return ticks;
}

}  // namespace kiln
