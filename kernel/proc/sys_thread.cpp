// Threads: clone/clone3 as glibc's pthread_create uses them, futexes,
// thread exit with CLEARTID wake-up, TLS through arch_prctl.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "core/clock.h"
#include "core/panic.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "abi/linux/futex.h"
#include "abi/linux/prctl.h"
#include "abi/linux/sched.h"
#include "proc/futex_queue.h"
#include "proc/process.h"
#include "proc/sys_process.h"
#include "proc/syscalls.h"
#include "mm/user_time.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t kThreadFlags = kCLONE_VM | kCLONE_FS | kCLONE_FILES | kCLONE_SIGHAND |
                                  kCLONE_THREAD | kCLONE_SYSVSEM | kCLONE_SETTLS |
                                  kCLONE_PARENT_SETTID | kCLONE_CHILD_CLEARTID | kCLONE_DETACHED |
                                  kCLONE_CHILD_SETTID;

FutexQueue g_futexes;

void wake_waiter(FutexWaiter* w) { wake_thread(static_cast<Thread*>(w->owner)); }

// Linux counts after waking, so a count of 0 or below still wakes one.
long futex_wake(uint64_t addr, int n, uint32_t bitset) {
  return g_futexes.wake(addr, bitset, n < 1 ? 1 : n, wake_waiter);
}

long futex_wait(uint64_t addr, uint32_t val, uint64_t deadline, uint32_t bitset) {
  if (addr & 3) return -kEINVAL;
  uint32_t cur;
  if (!get_user(&cur, addr)) return -kEFAULT;
  if (cur != val) return -kEAGAIN;
  FutexWaiter w;
  w.owner = current_thread();
  g_futexes.enqueue(&w, addr, bitset);
  WaitList parked;
  bool woken = wait_on(parked, deadline);
  if (w.queued) {
    g_futexes.remove(&w);
    return woken ? -kEINTR : -kETIMEDOUT;
  }
  return 0;
}

// FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake uaddr; if cmp(old) wake uaddr2.
long futex_wake_op(uint64_t addr, int n, uint64_t addr2, int n2, uint32_t encoded) {
  int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
  uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
  if (encoded & (uint32_t(kFUTEX_OP_OPARG_SHIFT) << 28)) oparg = 1u << (oparg & 31);
  uint32_t old;
  for (;;) {
    if (!get_user(&old, addr2)) return -kEFAULT;
    uint32_t nv;
    switch (op) {
      case kFUTEX_OP_SET: nv = oparg; break;
      case kFUTEX_OP_ADD: nv = old + oparg; break;
      case kFUTEX_OP_OR: nv = old | oparg; break;
      case kFUTEX_OP_ANDN: nv = old & ~oparg; break;
      case kFUTEX_OP_XOR: nv = old ^ oparg; break;
      default: return -kENOSYS;
    }
    uint32_t seen;
    if (uaccess_cmpxchg_u32(reinterpret_cast<uint32_t*>(addr2), old, nv, &seen) != 0)
      return -kEFAULT;
    if (seen == old) break;
  }
  long woken = futex_wake(addr, n, ~0u);
  bool hit;
  switch (cmp) {
    case kFUTEX_OP_CMP_EQ: hit = old == cmparg; break;
    case kFUTEX_OP_CMP_NE: hit = old != cmparg; break;
    case kFUTEX_OP_CMP_LT: hit = int32_t(old) < int32_t(cmparg); break;
    case kFUTEX_OP_CMP_LE: hit = int32_t(old) <= int32_t(cmparg); break;
    case kFUTEX_OP_CMP_GT: hit = int32_t(old) > int32_t(cmparg); break;
    case kFUTEX_OP_CMP_GE: hit = int32_t(old) >= int32_t(cmparg); break;
    default: return -kENOSYS;
  }
  if (hit) woken += futex_wake(addr2, n2, ~0u);
  return woken;
}

long do_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
              uint64_t tls) {
  if (!(flags & kCLONE_THREAD)) return clone_process(flags, stack, parent_tid, child_tid, tls);
  if ((flags & (kCLONE_VM | kCLONE_SIGHAND)) != (kCLONE_VM | kCLONE_SIGHAND)) return -kEINVAL;
  if (flags & ~(kThreadFlags | kCSIGNAL)) return -kEINVAL;
  Thread* t = clone_child_thread(flags, stack, tls);
  if (!t) return -kEAGAIN;
  if (flags & kCLONE_CHILD_CLEARTID) t->clear_child_tid = child_tid;
  int32_t tid = t->tid;
  if ((flags & kCLONE_PARENT_SETTID) && !put_user(parent_tid, tid)) return -kEFAULT;
  if ((flags & kCLONE_CHILD_SETTID) && !put_user(child_tid, tid)) return -kEFAULT;
  return tid;
}

}  // namespace

Thread* clone_child_thread(uint64_t flags, uint64_t stack, uint64_t tls) {
  TrapFrame child = *syscall_frame();
  child.rax = 0;
  if (stack) child.rsp = stack;
  child.rcx = child.rip;  // what sysret would have left
  child.r11 = child.rflags;
  uint64_t fs = flags & kCLONE_SETTLS ? tls : cpu::rdmsr(cpu::msr::kFsBase);
  Thread* t = thread_create_user(child, fs);
  if (t) t->signal_mask = current_thread()->signal_mask;
  return t;
}

long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
               uint64_t tls, uint64_t) {
  return do_clone(flags, stack, parent_tid, child_tid, tls);
}

long sys_clone3(uint64_t uargs, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  CloneArgs a = {};
  if (size < sizeof a) return -kEINVAL;
  if (!copy_from_user(&a, uargs, sizeof a)) return -kEFAULT;
  if (a.flags & kCLONE_PIDFD) return -kEINVAL;
  if ((a.stack == 0) != (a.stack_size == 0)) return -kEINVAL;
  if (a.exit_signal > kSIGRTMAX || (a.flags & kCSIGNAL)) return -kEINVAL;
  if (!(a.flags & kCLONE_THREAD)) a.flags |= a.exit_signal;  // clone()'s low byte
  return do_clone(a.flags, a.stack ? a.stack + a.stack_size : 0, a.parent_tid, a.child_tid,
                  a.tls);
}

long sys_exit(uint64_t status, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Thread* t = current_thread();
  if (thread_count(&process()) == 1) exit_process(int(status & 0xff) << 8);
  if (t->clear_child_tid) {
    int32_t zero = 0;
    if (put_user(t->clear_child_tid, zero)) futex_wake(t->clear_child_tid, 1, ~0u);
  }
  thread_exit();
}

long sys_exit_group(uint64_t status, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  exit_process(int(status & 0xff) << 8);
}

long sys_set_tid_address(uint64_t addr, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  current_thread()->clear_child_tid = addr;
  return current_thread()->tid;
}

long sys_set_robust_list(uint64_t head, uint64_t len, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (len != sizeof(RobustListHead)) return -kEINVAL;
  current_thread()->robust_list = head;
  return 0;
}

long sys_get_robust_list(uint64_t tid, uint64_t head_ptr, uint64_t len_ptr, uint64_t, uint64_t,
                         uint64_t) {
  if (tid && int(tid) != current_thread()->tid) return -kESRCH;
  uint64_t len = sizeof(RobustListHead);
  if (!put_user(head_ptr, current_thread()->robust_list) || !put_user(len_ptr, len))
    return -kEFAULT;
  return 0;
}

long sys_gettid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return current_thread()->tid;
}

long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t, uint64_t, uint64_t, uint64_t) {
  switch (code) {
    case kARCH_SET_FS:
    case kARCH_SET_GS:
      if (addr >= kUserTop) return -kEPERM;
      cpu::wrmsr(code == kARCH_SET_FS ? cpu::msr::kFsBase : cpu::msr::kGsBase, addr);
      return 0;
    case kARCH_GET_FS:
    case kARCH_GET_GS: {
      uint64_t v = cpu::rdmsr(code == kARCH_GET_FS ? cpu::msr::kFsBase : cpu::msr::kGsBase);
      return put_user(addr, v) ? 0 : -kEFAULT;
    }
    default:
      return -kEINVAL;
  }
}

long sys_sched_yield(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  yield();
  return 0;
}

// One CPU: every thread's mask is {0}. The pid is any thread's id (0: the
// caller). Linux wants a get buffer of whole longs, and copies out as much
// of its mask as fits (8 bytes here); a set mask may be any length and
// must name an online CPU.
long sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t, uint64_t,
                           uint64_t) {
  if (len < 8 || (len & 7)) return -kEINVAL;
  if (int(pid) < 0 || (pid && !thread_find(int(pid)))) return -kESRCH;
  uint64_t one_cpu = 1;
  return put_user(mask, one_cpu) ? 8 : -kEFAULT;
}

long sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t, uint64_t,
                           uint64_t) {
  uint8_t first = 0;  // only CPU 0's bit matters
  if (len && !get_user(&first, mask)) return -kEFAULT;
  if (int(pid) < 0 || (pid && !thread_find(int(pid)))) return -kESRCH;
  return (first & 1) ? 0 : -kEINVAL;
}

long sys_getcpu(uint64_t cpu, uint64_t node, uint64_t, uint64_t, uint64_t, uint64_t) {
  uint32_t zero = 0;
  if (cpu && !put_user(cpu, zero)) return -kEFAULT;
  if (node && !put_user(node, zero)) return -kEFAULT;
  return 0;
}

long sys_rseq(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  // glibc registers rseq when available and carries on without it.
  return -kENOSYS;
}

long sys_futex(uint64_t addr, uint64_t op, uint64_t val, uint64_t timeout, uint64_t addr2,
               uint64_t val3) {
  int cmd = int(op) & ~(kFUTEX_PRIVATE_FLAG | kFUTEX_CLOCK_REALTIME);
  bool realtime = op & kFUTEX_CLOCK_REALTIME;
  switch (cmd) {
    case kFUTEX_WAIT:
    case kFUTEX_WAIT_BITSET: {
      uint32_t bitset = cmd == kFUTEX_WAIT ? ~0u : uint32_t(val3);
      if (!bitset) return -kEINVAL;
      uint64_t deadline = 0;
      if (timeout) {
        Timespec ts;
        if (!get_user(&ts, timeout)) return -kEFAULT;
        if (!timespec_valid(ts)) return -kEINVAL;
        // FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute on the chosen clock.
        deadline = cmd == kFUTEX_WAIT ? monotonic_ns() + timespec_ns(ts)
                                     : absolute_to_monotonic(timespec_ns(ts), realtime);
        if (!deadline) deadline = 1;
      }
      return futex_wait(addr, uint32_t(val), deadline, bitset);
    }
    case kFUTEX_WAKE:
    case kFUTEX_WAKE_BITSET: {
      uint32_t bitset = cmd == kFUTEX_WAKE ? ~0u : uint32_t(val3);
      if (!bitset) return -kEINVAL;
      return futex_wake(addr, int(uint32_t(val)), bitset);
    }
    case kFUTEX_REQUEUE:
    case kFUTEX_CMP_REQUEUE: {
      if (cmd == kFUTEX_CMP_REQUEUE) {
        uint32_t cur;
        if (!get_user(&cur, addr)) return -kEFAULT;
        if (cur != uint32_t(val3)) return -kEAGAIN;
      }
      int nrequeue = int(timeout > 0x7fffffff ? 0x7fffffff : timeout);  // val2 travels here
      return g_futexes.requeue(addr, addr2, int(val), nrequeue, wake_waiter);
    }
    case kFUTEX_WAKE_OP:
      return futex_wake_op(addr, int(val), addr2, int(timeout), uint32_t(val3));
    default:
      return -kENOSYS;
  }
}

}  // namespace kiln
