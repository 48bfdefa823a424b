// alarm and setitimer(ITIMER_REAL): SIGALRM from a kernel thread that
// sleeps until the timer's deadline.
#include "core/clock.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "abi/linux/time.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

uint64_t g_deadline;  // monotonic ns; 0 = disarmed
uint64_t g_interval;
WaitList g_timer_wait;
Thread* g_timer_thread;

[[noreturn]] void timer_thread(void*) {
  for (;;) {
    if (!g_deadline) {
      wait_on(g_timer_wait, 0);
      continue;
    }
    if (monotonic_ns() < g_deadline) {
      wait_on(g_timer_wait, g_deadline);
      continue;  // re-read: the timer may have been changed meanwhile
    }
    g_deadline = g_interval ? g_deadline + g_interval : 0;
    if (Thread* t = signal_target(&process(), kSIGALRM))
      send_signal(t, kSIGALRM, kSI_KERNEL, 0, 0);
  }
}

uint64_t ns_of(const Timeval& t) { return uint64_t(t.sec) * 1000000000 + uint64_t(t.usec) * 1000; }
Timeval tv_of(uint64_t ns) { return Timeval{int64_t(ns / 1000000000), int64_t(ns % 1000000000 / 1000)}; }

Itimerval current() {
  uint64_t now = monotonic_ns();
  uint64_t left = g_deadline > now ? g_deadline - now : (g_deadline ? 1000 : 0);
  return Itimerval{tv_of(g_interval), tv_of(left)};
}

long arm(uint64_t value_ns, uint64_t interval_ns) {
  if (!g_timer_thread) {
    g_timer_thread = thread_create_kernel(timer_thread, nullptr);
    if (!g_timer_thread) return -kENOMEM;
  }
  g_deadline = value_ns ? monotonic_ns() + value_ns : 0;
  g_interval = interval_ns;
  wake_list(g_timer_wait, -1);
  return 0;
}

}  // namespace

long sys_setitimer(uint64_t which, uint64_t unew, uint64_t uold, uint64_t, uint64_t, uint64_t) {
  if (which != kITIMER_REAL)
    return which == kITIMER_VIRTUAL || which == kITIMER_PROF ? -kEOPNOTSUPP : -kEINVAL;
  Itimerval old = current(), next{};
  if (unew && !get_user(&next, unew)) return -kEFAULT;
  if (unew) {
    const Timeval* both[2] = {&next.interval, &next.value};
    for (const Timeval* t : both)
      if (t->sec < 0 || t->usec < 0 || t->usec >= 1000000) return -kEINVAL;
    if (long r = arm(ns_of(next.value), ns_of(next.interval))) return r;
  }
  if (uold && !put_user(uold, old)) return -kEFAULT;
  return 0;
}

long sys_getitimer(uint64_t which, uint64_t uval, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (which != kITIMER_REAL)
    return which == kITIMER_VIRTUAL || which == kITIMER_PROF ? -kEOPNOTSUPP : -kEINVAL;
  Itimerval v = current();
  return put_user(uval, v) ? 0 : -kEFAULT;
}

long sys_alarm(uint64_t seconds, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Itimerval old = current();
  long r = arm(uint64_t(uint32_t(seconds)) * 1000000000, 0);
  if (r < 0) return r;
  // The seconds left on the previous alarm, rounded as Linux rounds them.
  return long(old.value.sec + (old.value.usec >= 500000 || (!old.value.sec && old.value.usec)));
}

}  // namespace kiln
