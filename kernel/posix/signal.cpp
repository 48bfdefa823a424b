#include "posix/signal.h"

#include "arch/x86_64/trap.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/thread.h"
#include "posix/errno.h"
#include "posix/process.h"
#include "posix/syscall_table.h"
#include "posix/uaccess.h"
#include "lib/format.h"
#include "lib/mem.h"

namespace kiln {
namespace {

constexpr int SIGKILL = 9, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20,
              SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGWINCH = 28;
constexpr uint64_t SIG_IGN = 1;
constexpr int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
constexpr int SS_ONSTACK = 1, SS_DISABLE = 2;
constexpr uint64_t kMinSigStackSize = 2048;
constexpr uint64_t kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

const char* const kNames[32] = {
    nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP", "SIGABRT",
    "SIGBUS",  "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV",   "SIGUSR2", "SIGPIPE",
    "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",
    "SIGTTIN", "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO",  "SIGPWR",    "SIGSYS"};

bool ignored_by_default(int sig) {
  return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT ||
         sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

[[noreturn]] void terminate(int sig) {
  kprintf("kiln: program terminated by signal %d (%s)\n", sig, signal_name(sig));
  machine_exit(128 + sig);
}

void symbolize_user(uint64_t addr, char* buf, size_t cap) {
  Process& p = process();
  const char* name;
  size_t len;
  uint64_t off;
  if (addr >= p.load_bias && p.elf.symbolize(addr - p.load_bias, &name, &len, &off)) {
    size_t n = len < cap - 24 ? len : cap - 24;
    memcpy(buf, name, n);
    format(buf + n, cap - n, "+%#lx", off);
  } else {
    format(buf, cap, "?");
  }
}

bool is_code(uint64_t addr) {
  const Vma* v = process().vmas.find(addr);
  return v && (v->prot & kProtExec);
}

}  // namespace

const char* signal_name(int sig) {
  if (sig > 0 && sig < 32) return kNames[sig];
  return sig >= 32 && sig <= 64 ? "SIGRT" : "?";
}

long send_signal_to_self(int sig) {
  if (sig < 0 || sig > 64) return -EINVAL;
  if (sig == 0) return 0;
  const SigAction& a = process().actions[sig];
  if (sig != SIGKILL && sig != SIGSTOP) {
    if (a.handler == SIG_IGN) return 0;
    if (a.handler == 0 && ignored_by_default(sig)) return 0;
    if (a.handler > SIG_IGN)
      kprintf("kiln: %s has a handler, but kiln does not deliver signals yet\n",
              signal_name(sig));
  }
  terminate(sig);
}

void user_fault(const TrapFrame& f, int sig, uint64_t fault_addr, const char* what) {
  char sym[160];
  kprintf("kiln: program received %s: %s at address %#lx\n", signal_name(sig), what, fault_addr);
  symbolize_user(f.rip, sym, sizeof sym);
  kprintf("  rip %016lx %s\n", f.rip, sym);
  kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
  kprintf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f.rsi, f.rdi, f.rbp, f.rsp);
  kprintf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f.r8, f.r9, f.r10, f.r11);
  kprintf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f.r12, f.r13, f.r14, f.r15);
  kprintf("  rflags %08lx error %#lx thread %d\n", f.rflags, f.error, current_thread()->tid);
  kprintf("  backtrace:\n");
  kprintf("  #0 %016lx %s\n", f.rip, sym);
  int depth = 1;
  // A fault before the function saved rbp (its prologue, or a leaf without
  // a frame) leaves the return address on top of the stack, not in the chain.
  uint64_t top, chained = 0;
  if (copy_from_user(&top, f.rsp, sizeof top) && is_code(top) &&
      !(copy_from_user(&chained, f.rbp + 8, sizeof chained) && chained == top)) {
    symbolize_user(top - 1, sym, sizeof sym);
    kprintf("  #%d %016lx %s\n", depth++, top, sym);
  }
  // Follow the frame-pointer chain while it stays on sane, readable stack.
  uint64_t rbp = f.rbp;
  for (; depth < 32 && rbp && !(rbp & 7) && rbp >= f.rsp; depth++) {
    uint64_t frame[2];
    if (!copy_from_user(frame, rbp, sizeof frame) || frame[1] < 0x1000) break;
    symbolize_user(frame[1] - 1, sym, sizeof sym);
    kprintf("  #%d %016lx %s\n", depth, frame[1], sym);
    if (frame[0] <= rbp) break;
    rbp = frame[0];
  }
  terminate(sig);
}

long sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t size, uint64_t,
                      uint64_t) {
  if (size != 8) return -EINVAL;
  if (sig < 1 || sig > 64) return -EINVAL;
  SigAction& cur = process().actions[sig];
  SigAction old = cur;
  if (act) {
    if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
    SigAction next;
    if (!get_user(&next, act)) return -EFAULT;
    next.mask &= ~kUnblockable;
    cur = next;
  }
  if (oact && !put_user(oact, old)) return -EFAULT;
  return 0;
}

long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset, uint64_t size, uint64_t,
                        uint64_t) {
  if (size != 8) return -EINVAL;
  Thread* t = current_thread();
  uint64_t old = t->signal_mask;
  if (set) {
    uint64_t s;
    if (!get_user(&s, set)) return -EFAULT;
    switch (int(how)) {
      case SIG_BLOCK: t->signal_mask |= s; break;
      case SIG_UNBLOCK: t->signal_mask &= ~s; break;
      case SIG_SETMASK: t->signal_mask = s; break;
      default: return -EINVAL;
    }
    t->signal_mask &= ~kUnblockable;
  }
  if (oset && !put_user(oset, old)) return -EFAULT;
  return 0;
}

long sys_sigaltstack(uint64_t uss, uint64_t uold, uint64_t, uint64_t, uint64_t, uint64_t) {
  struct StackT {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
  };
  Thread* t = current_thread();
  StackT old{t->altstack_sp, t->altstack_flags, 0, t->altstack_size};
  if (uss) {
    StackT ss;
    if (!get_user(&ss, uss)) return -EFAULT;
    if (ss.flags & ~(SS_DISABLE | SS_ONSTACK | int32_t(0x80000000))) return -EINVAL;
    if (ss.flags & SS_DISABLE) {
      t->altstack_sp = t->altstack_size = 0;
      t->altstack_flags = SS_DISABLE;
    } else {
      if (ss.size < kMinSigStackSize) return -ENOMEM;
      t->altstack_sp = ss.sp;
      t->altstack_size = ss.size;
      t->altstack_flags = 0;
    }
  }
  if (uold && !put_user(uold, old)) return -EFAULT;
  return 0;
}

long sys_kill(uint64_t pid, uint64_t sig, uint64_t, uint64_t, uint64_t, uint64_t) {
  int p = int(pid);
  if (p != 0 && p != -1 && p != process().pid && p != -process().pid) return -ESRCH;
  return send_signal_to_self(int(sig));
}

long sys_tkill(uint64_t tid, uint64_t sig, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(tid) <= 0) return -EINVAL;
  return send_signal_to_self(int(sig));
}

long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t, uint64_t, uint64_t) {
  if (int(tgid) <= 0 || int(tid) <= 0) return -EINVAL;
  if (int(tgid) != process().pid) return -ESRCH;
  return send_signal_to_self(int(sig));
}

long sys_rt_sigreturn(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  // No signal frame was ever pushed (handlers are not run yet).
  user_fault(*syscall_frame(), 11, 0, "rt_sigreturn without a signal frame");
}

}  // namespace kiln
