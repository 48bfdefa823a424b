// Priorities and scheduling policies: getpriority/setpriority and the
// sched_* calls, with Linux's checks and errno values. kiln runs every
// thread round-robin on one CPU: the calls keep and report what a program
// set (nice, SCHED_OTHER/BATCH/IDLE) and fork passes it on, but the
// scheduler does not weigh it (FIXME). Real-time policies are refused with
// EPERM, as Linux refuses them to a caller without CAP_SYS_NICE, rather
// than accepted as a promise kiln cannot keep.
#include "abi/linux/errno.h"
#include "abi/linux/resource.h"
#include "abi/linux/sched.h"
#include "core/thread.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

// Linux's own ranges, which no uapi header defines: the nice values
// (MIN_NICE, MAX_NICE; the raw getpriority call returns 20 - nice, 1..40)
// and the real-time policies' priorities (1..MAX_RT_PRIO-1; the others
// have only 0).
constexpr int kNiceMin = -20, kNiceMax = 19;
constexpr int kRtPrioMin = 1, kRtPrioMax = 99;

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
    case kPRIO_PROCESS: return &p == target(who);
    case kPRIO_PGRP: return p.pgid == (who ? who : process().pgid);
    default: return p.cred.ruid == uint32_t(who ? who : int(process().cred.ruid));
  }
}

// Lowering nice needs CAP_SYS_NICE (root) or RLIMIT_NICE's allowance.
bool may_lower_nice(int nice) {
  if (process().cred.euid == 0) return true;
  uint64_t rlim = process().rlimits[kRLIMIT_NICE][0];
  return rlim <= 40 && 20 - int(rlim) <= nice;
}

bool valid_policy(int policy) {
  return policy == kSCHED_OTHER || policy == kSCHED_FIFO || policy == kSCHED_RR ||
         policy == kSCHED_BATCH || policy == kSCHED_IDLE;
}

bool realtime(int policy) { return policy == kSCHED_FIFO || policy == kSCHED_RR; }

long set_scheduler(int pid, int policy, uint64_t uparam, bool keep_policy) {
  int32_t prio = 0;
  if (pid < 0 || !uparam) return -kEINVAL;
  if (!get_user(&prio, uparam)) return -kEFAULT;
  Process* p = target(pid);
  if (!p) return -kESRCH;
  bool reset = policy & kSCHED_RESET_ON_FORK;
  if (keep_policy) {
    policy = p->policy;
    reset = p->reset_on_fork;
  }
  policy &= ~kSCHED_RESET_ON_FORK;
  if (!valid_policy(policy)) return -kEINVAL;
  if (realtime(policy) ? prio < kRtPrioMin || prio > kRtPrioMax : prio != 0)
    return -kEINVAL;
  if (realtime(policy)) return -kEPERM;  // no real-time class to give
  if (!may_change(*p)) return -kEPERM;
  p->policy = policy;
  p->reset_on_fork = reset;
  return 0;
}

}  // namespace

long sys_getpriority(uint64_t uwhich, uint64_t uwho, uint64_t, uint64_t, uint64_t, uint64_t) {
  int which = int(uwhich), who = int(uwho);
  if (which < kPRIO_PROCESS || which > kPRIO_USER) return -kEINVAL;
  long best = -kESRCH;  // the highest priority among the matches: 20 - nice
  for (Process* p = first_process(); p; p = next_process(p))
    if (matches(*p, which, who) && 20 - p->nice > best) best = 20 - p->nice;
  return best;
}

long sys_setpriority(uint64_t uwhich, uint64_t uwho, uint64_t uprio, uint64_t, uint64_t,
                     uint64_t) {
  int which = int(uwhich), who = int(uwho), nice = int(uprio);
  if (which < kPRIO_PROCESS || which > kPRIO_USER) return -kEINVAL;
  nice = nice < kNiceMin ? kNiceMin : nice > kNiceMax ? kNiceMax : nice;
  long err = -kESRCH;
  for (Process* p = first_process(); p; p = next_process(p)) {
    if (!matches(*p, which, who)) continue;
    if (!may_change(*p)) err = -kEPERM;
    else if (nice < p->nice && !may_lower_nice(nice)) err = -kEACCES;
    else {
      p->nice = nice;
      if (err == -kESRCH) err = 0;
    }
  }
  return err;
}

long sys_sched_getscheduler(uint64_t upid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(upid) < 0) return -kEINVAL;
  Process* p = target(int(upid));
  if (!p) return -kESRCH;
  return p->policy | (p->reset_on_fork ? kSCHED_RESET_ON_FORK : 0);
}

long sys_sched_setscheduler(uint64_t upid, uint64_t policy, uint64_t uparam, uint64_t, uint64_t,
                            uint64_t) {
  if (int(policy) < 0) return -kEINVAL;
  return set_scheduler(int(upid), int(policy), uparam, false);
}

long sys_sched_setparam(uint64_t upid, uint64_t uparam, uint64_t, uint64_t, uint64_t, uint64_t) {
  return set_scheduler(int(upid), 0, uparam, true);
}

long sys_sched_getparam(uint64_t upid, uint64_t uparam, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(upid) < 0 || !uparam) return -kEINVAL;
  if (!target(int(upid))) return -kESRCH;
  int32_t prio = 0;  // no real-time policy, so no real-time priority
  return put_user(uparam, prio) ? 0 : -kEFAULT;
}

long sys_sched_get_priority_max(uint64_t policy, uint64_t, uint64_t, uint64_t, uint64_t,
                                uint64_t) {
  if (!valid_policy(int(policy))) return -kEINVAL;
  return realtime(int(policy)) ? kRtPrioMax : 0;
}

long sys_sched_get_priority_min(uint64_t policy, uint64_t, uint64_t, uint64_t, uint64_t,
                                uint64_t) {
  if (!valid_policy(int(policy))) return -kEINVAL;
  return realtime(int(policy)) ? kRtPrioMin : 0;
}

long sys_sched_rr_get_interval(uint64_t upid, uint64_t uts, uint64_t, uint64_t, uint64_t,
                               uint64_t) {
  if (int(upid) < 0) return -kEINVAL;
  if (!target(int(upid))) return -kESRCH;
  struct {
    int64_t sec, nsec;
  } ts = {0, int64_t(kSliceNs)};  // every thread gets the same slice
  return copy_to_user(uts, &ts, sizeof ts) ? 0 : -kEFAULT;
}

}  // namespace kiln
