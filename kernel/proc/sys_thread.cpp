// Threads: clone/clone3 as glibc's pthread_create uses them, futexes,
// thread exit with CLEARTID wake-up, TLS through arch_prctl.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "core/clock.h"
#include "core/panic.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "proc/futex_queue.h"
#include "proc/process.h"
#include "proc/sys_process.h"
#include "proc/syscalls.h"
#include "mm/user_time.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400,
                   CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000, CLONE_VFORK = 0x4000,
                   CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
                   CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
                   CLONE_DETACHED = 0x400000, CLONE_CHILD_SETTID = 0x1000000;
constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                  CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
                                  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED |
                                  CLONE_CHILD_SETTID;
constexpr int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
              FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
constexpr int FUTEX_PRIVATE = 128, FUTEX_CLOCK_REALTIME = 256;
constexpr uint64_t ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003,
                   ARCH_GET_GS = 0x1004;

FutexQueue g_futexes;

void wake_waiter(FutexWaiter* w) { wake_thread(static_cast<Thread*>(w->owner)); }

// Linux counts after waking, so a count of 0 or below still wakes one.
long futex_wake(uint64_t addr, int n, uint32_t bitset) {
  return g_futexes.wake(addr, bitset, n < 1 ? 1 : n, wake_waiter);
}

long futex_wait(uint64_t addr, uint32_t val, uint64_t deadline, uint32_t bitset) {
  if (addr & 3) return -EINVAL;
  uint32_t cur;
  if (!get_user(&cur, addr)) return -EFAULT;
  if (cur != val) return -EAGAIN;
  FutexWaiter w;
  w.owner = current_thread();
  g_futexes.enqueue(&w, addr, bitset);
  WaitList parked;
  bool woken = wait_on(parked, deadline);
  if (w.queued) {
    g_futexes.remove(&w);
    return woken ? -EINTR : -ETIMEDOUT;
  }
  return 0;
}

// FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake uaddr; if cmp(old) wake uaddr2.
long futex_wake_op(uint64_t addr, int n, uint64_t addr2, int n2, uint32_t encoded) {
  int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
  uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
  if (encoded & (8u << 28)) oparg = 1u << (oparg & 31);
  uint32_t old;
  for (;;) {
    if (!get_user(&old, addr2)) return -EFAULT;
    uint32_t nv;
    switch (op) {
      case 0: nv = oparg; break;
      case 1: nv = old + oparg; break;
      case 2: nv = old | oparg; break;
      case 3: nv = old & ~oparg; break;
      case 4: nv = old ^ oparg; break;
      default: return -ENOSYS;
    }
    uint32_t seen;
    if (uaccess_cmpxchg_u32(reinterpret_cast<uint32_t*>(addr2), old, nv, &seen) != 0)
      return -EFAULT;
    if (seen == old) break;
  }
  long woken = futex_wake(addr, n, ~0u);
  bool hit;
  switch (cmp) {
    case 0: hit = old == cmparg; break;
    case 1: hit = old != cmparg; break;
    case 2: hit = int32_t(old) < int32_t(cmparg); break;
    case 3: hit = int32_t(old) <= int32_t(cmparg); break;
    case 4: hit = int32_t(old) > int32_t(cmparg); break;
    case 5: hit = int32_t(old) >= int32_t(cmparg); break;
    default: return -ENOSYS;
  }
  if (hit) woken += futex_wake(addr2, n2, ~0u);
  return woken;
}

long do_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
              uint64_t tls) {
  if (!(flags & CLONE_THREAD)) return clone_process(flags, stack, parent_tid, child_tid, tls);
  if ((flags & (CLONE_VM | CLONE_SIGHAND)) != (CLONE_VM | CLONE_SIGHAND)) return -EINVAL;
  if (flags & ~(kThreadFlags | 0xff)) return -EINVAL;
  Thread* t = clone_child_thread(flags, stack, tls);
  if (!t) return -EAGAIN;
  if (flags & CLONE_CHILD_CLEARTID) t->clear_child_tid = child_tid;
  int32_t tid = t->tid;
  if ((flags & CLONE_PARENT_SETTID) && !put_user(parent_tid, tid)) return -EFAULT;
  if ((flags & CLONE_CHILD_SETTID) && !put_user(child_tid, tid)) return -EFAULT;
  return tid;
}

}  // namespace

Thread* clone_child_thread(uint64_t flags, uint64_t stack, uint64_t tls) {
  TrapFrame child = *syscall_frame();
  child.rax = 0;
  if (stack) child.rsp = stack;
  child.rcx = child.rip;  // what sysret would have left
  child.r11 = child.rflags;
  uint64_t fs = flags & CLONE_SETTLS ? tls : cpu::rdmsr(cpu::msr::kFsBase);
  Thread* t = thread_create_user(child, fs);
  if (t) t->signal_mask = current_thread()->signal_mask;
  return t;
}

long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
               uint64_t tls, uint64_t) {
  return do_clone(flags, stack, parent_tid, child_tid, tls);
}

long sys_clone3(uint64_t uargs, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  struct {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  } a = {};
  if (size < sizeof a) return -EINVAL;
  if (!copy_from_user(&a, uargs, sizeof a)) return -EFAULT;
  if (a.flags & CLONE_PIDFD) return -EINVAL;
  if ((a.stack == 0) != (a.stack_size == 0)) return -EINVAL;
  if (a.exit_signal > 64 || (a.flags & 0xff)) return -EINVAL;
  if (!(a.flags & CLONE_THREAD)) a.flags |= a.exit_signal;  // clone()'s low byte
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
  if (len != 24) return -EINVAL;
  current_thread()->robust_list = head;
  return 0;
}

long sys_get_robust_list(uint64_t tid, uint64_t head_ptr, uint64_t len_ptr, uint64_t, uint64_t,
                         uint64_t) {
  if (tid && int(tid) != current_thread()->tid) return -ESRCH;
  uint64_t len = 24;
  if (!put_user(head_ptr, current_thread()->robust_list) || !put_user(len_ptr, len))
    return -EFAULT;
  return 0;
}

long sys_gettid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return current_thread()->tid;
}

long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t, uint64_t, uint64_t, uint64_t) {
  switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
      if (addr >= kUserTop) return -EPERM;
      cpu::wrmsr(code == ARCH_SET_FS ? cpu::msr::kFsBase : cpu::msr::kGsBase, addr);
      return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS: {
      uint64_t v = cpu::rdmsr(code == ARCH_GET_FS ? cpu::msr::kFsBase : cpu::msr::kGsBase);
      return put_user(addr, v) ? 0 : -EFAULT;
    }
    default:
      return -EINVAL;
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
  if (len < 8 || (len & 7)) return -EINVAL;
  if (int(pid) < 0 || (pid && !thread_find(int(pid)))) return -ESRCH;
  uint64_t one_cpu = 1;
  return put_user(mask, one_cpu) ? 8 : -EFAULT;
}

long sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t, uint64_t,
                           uint64_t) {
  uint8_t first = 0;  // only CPU 0's bit matters
  if (len && !get_user(&first, mask)) return -EFAULT;
  if (int(pid) < 0 || (pid && !thread_find(int(pid)))) return -ESRCH;
  return (first & 1) ? 0 : -EINVAL;
}

long sys_getcpu(uint64_t cpu, uint64_t node, uint64_t, uint64_t, uint64_t, uint64_t) {
  uint32_t zero = 0;
  if (cpu && !put_user(cpu, zero)) return -EFAULT;
  if (node && !put_user(node, zero)) return -EFAULT;
  return 0;
}

long sys_rseq(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  // glibc registers rseq when available and carries on without it.
  return -ENOSYS;
}

long sys_futex(uint64_t addr, uint64_t op, uint64_t val, uint64_t timeout, uint64_t addr2,
               uint64_t val3) {
  int cmd = int(op) & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
  bool realtime = op & FUTEX_CLOCK_REALTIME;
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      uint32_t bitset = cmd == FUTEX_WAIT ? ~0u : uint32_t(val3);
      if (!bitset) return -EINVAL;
      uint64_t deadline = 0;
      if (timeout) {
        Timespec ts;
        if (!get_user(&ts, timeout)) return -EFAULT;
        if (!timespec_valid(ts)) return -EINVAL;
        // FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute on the chosen clock.
        deadline = cmd == FUTEX_WAIT ? monotonic_ns() + timespec_ns(ts)
                                     : absolute_to_monotonic(timespec_ns(ts), realtime);
        if (!deadline) deadline = 1;
      }
      return futex_wait(addr, uint32_t(val), deadline, bitset);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      uint32_t bitset = cmd == FUTEX_WAKE ? ~0u : uint32_t(val3);
      if (!bitset) return -EINVAL;
      return futex_wake(addr, int(uint32_t(val)), bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      if (cmd == FUTEX_CMP_REQUEUE) {
        uint32_t cur;
        if (!get_user(&cur, addr)) return -EFAULT;
        if (cur != uint32_t(val3)) return -EAGAIN;
      }
      int nrequeue = int(timeout > 0x7fffffff ? 0x7fffffff : timeout);  // val2 travels here
      return g_futexes.requeue(addr, addr2, int(val), nrequeue, wake_waiter);
    }
    case FUTEX_WAKE_OP:
      return futex_wake_op(addr, int(val), addr2, int(timeout), uint32_t(val3));
    default:
      return -ENOSYS;
  }
}

}  // namespace kiln
