// Priorities and scheduling policies: getpriority/setpriority and the
// sched_* calls, with Linux's checks and errno values. kiln runs every
// thread round-robin on one CPU: the calls keep and report what a program
// set (nice, SCHED_OTHER/BATCH/IDLE) and fork passes it on, but the
// scheduler does not weigh it (FIXME). Real-time policies are refused with
// EPERM, as Linux refuses them to a caller without CAP_SYS_NICE, rather
// than accepted as a promise kiln cannot keep.
#include "abi/linux/errno.h"
#include "abi/linux/sched.h"
#include "core/thread.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

// A pid as these calls take it: 0 is the caller, else any thread id (its
// process) or a process not yet reaped.
Process* target(int pid) {
  if (pid == 0) return &process();
  if (pid < 0) return nullptr;
  if (Thread* t = thread_find(pid)) return t->process;
  return process_find(pid);
}

bool may_change(const Process& p) {
  const Process::Credentials& me = process().cred;
  return me.euid == 0 || me.euid == p.cred.euid || me.euid == p.cred.ruid;
}

bool matches(const Process& p, int which, int who) {
  switch (which) {
    case PRIO_PROCESS: return &p == target(who);
    case PRIO_PGRP: return p.pgid == (who ? who : process().pgid);
    default: return p.cred.ruid == uint32_t(who ? who : int(process().cred.ruid));
  }
}

// Lowering nice needs CAP_SYS_NICE (root) or RLIMIT_NICE's allowance.
bool may_lower_nice(int nice) {
  if (process().cred.euid == 0) return true;
  uint64_t rlim = process().rlimits[RLIMIT_NICE][0];
  return rlim <= 40 && 20 - int(rlim) <= nice;
}

bool valid_policy(int policy) {
  return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR ||
         policy == SCHED_BATCH || policy == SCHED_IDLE;
}

bool realtime(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }

long set_scheduler(int pid, int policy, uint64_t uparam, bool keep_policy) {
  int32_t prio = 0;
  if (pid < 0 || !uparam) return -EINVAL;
  if (!get_user(&prio, uparam)) return -EFAULT;
  Process* p = target(pid);
  if (!p) return -ESRCH;
  bool reset = policy & SCHED_RESET_ON_FORK;
  if (keep_policy) {
    policy = p->policy;
    reset = p->reset_on_fork;
  }
  policy &= ~SCHED_RESET_ON_FORK;
  if (!valid_policy(policy)) return -EINVAL;
  if (realtime(policy) ? prio < SCHED_RT_PRIO_MIN || prio > SCHED_RT_PRIO_MAX : prio != 0)
    return -EINVAL;
  if (realtime(policy)) return -EPERM;  // no real-time class to give
  if (!may_change(*p)) return -EPERM;
  p->policy = policy;
  p->reset_on_fork = reset;
  return 0;
}

}  // namespace

long sys_getpriority(uint64_t uwhich, uint64_t uwho, uint64_t, uint64_t, uint64_t, uint64_t) {
  int which = int(uwhich), who = int(uwho);
  if (which < PRIO_PROCESS || which > PRIO_USER) return -EINVAL;
  long best = -ESRCH;  // the highest priority among the matches: 20 - nice
  for (Process* p = first_process(); p; p = next_process(p))
    if (matches(*p, which, who) && 20 - p->nice > best) best = 20 - p->nice;
  return best;
}

long sys_setpriority(uint64_t uwhich, uint64_t uwho, uint64_t uprio, uint64_t, uint64_t,
                     uint64_t) {
  int which = int(uwhich), who = int(uwho), nice = int(uprio);
  if (which < PRIO_PROCESS || which > PRIO_USER) return -EINVAL;
  nice = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
  long err = -ESRCH;
  for (Process* p = first_process(); p; p = next_process(p)) {
    if (!matches(*p, which, who)) continue;
    if (!may_change(*p)) err = -EPERM;
    else if (nice < p->nice && !may_lower_nice(nice)) err = -EACCES;
    else {
      p->nice = nice;
      if (err == -ESRCH) err = 0;
    }
  }
  return err;
}

long sys_sched_getscheduler(uint64_t upid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(upid) < 0) return -EINVAL;
  Process* p = target(int(upid));
  if (!p) return -ESRCH;
  return p->policy | (p->reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

long sys_sched_setscheduler(uint64_t upid, uint64_t policy, uint64_t uparam, uint64_t, uint64_t,
                            uint64_t) {
  if (int(policy) < 0) return -EINVAL;
  return set_scheduler(int(upid), int(policy), uparam, false);
}

long sys_sched_setparam(uint64_t upid, uint64_t uparam, uint64_t, uint64_t, uint64_t, uint64_t) {
  return set_scheduler(int(upid), 0, uparam, true);
}

long sys_sched_getparam(uint64_t upid, uint64_t uparam, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(upid) < 0 || !uparam) return -EINVAL;
  if (!target(int(upid))) return -ESRCH;
  int32_t prio = 0;  // no real-time policy, so no real-time priority
  return put_user(uparam, prio) ? 0 : -EFAULT;
}

long sys_sched_get_priority_max(uint64_t policy, uint64_t, uint64_t, uint64_t, uint64_t,
                                uint64_t) {
  if (!valid_policy(int(policy))) return -EINVAL;
  return realtime(int(policy)) ? SCHED_RT_PRIO_MAX : 0;
}

long sys_sched_get_priority_min(uint64_t policy, uint64_t, uint64_t, uint64_t, uint64_t,
                                uint64_t) {
  if (!valid_policy(int(policy))) return -EINVAL;
  return realtime(int(policy)) ? SCHED_RT_PRIO_MIN : 0;
}

long sys_sched_rr_get_interval(uint64_t upid, uint64_t uts, uint64_t, uint64_t, uint64_t,
                               uint64_t) {
  if (int(upid) < 0) return -EINVAL;
  if (!target(int(upid))) return -ESRCH;
  struct {
    int64_t sec, nsec;
  } ts = {0, int64_t(kSliceNs)};  // every thread gets the same slice
  return copy_to_user(uts, &ts, sizeof ts) ? 0 : -EFAULT;
}

}  // namespace kiln
