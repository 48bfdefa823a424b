#include "proc/signal.h"

#include "arch/x86_64/trap.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/thread.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "proc/process.h"
#include "proc/sys_process.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t kUnblockable = (1ull << (kSIGKILL - 1)) | (1ull << (kSIGSTOP - 1));
constexpr uint64_t kSynchronous = (1ull << (kSIGSEGV - 1)) | (1ull << (kSIGBUS - 1)) |
                                  (1ull << (kSIGILL - 1)) | (1ull << (kSIGFPE - 1)) |
                                  (1ull << (kSIGTRAP - 1));

const char* const kNames[kSIGRTMIN] = {
    nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP", "SIGABRT",
    "SIGBUS",  "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV",   "SIGUSR2", "SIGPIPE",
    "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",
    "SIGTTIN", "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO",  "SIGPWR",    "SIGSYS"};

// Stop signals are ignored too: there is no job control in a unikernel.
bool ignored_by_default(int sig) {
  return sig == kSIGCHLD || sig == kSIGURG || sig == kSIGWINCH || sig == kSIGCONT ||
         sig == kSIGSTOP || sig == kSIGTSTP || sig == kSIGTTIN || sig == kSIGTTOU;
}

bool is_ignored(const Process& p, int sig) {
  uint64_t h = p.actions[sig].handler;
  return sig != kSIGKILL && (h == kSIG_IGN || (h == kSIG_DFL && ignored_by_default(sig)));
}

[[noreturn]] void terminate(int sig) {
  if (&process() == init_process())
    kprintf("kiln: program terminated by signal %d (%s)\n", sig, signal_name(sig));
  exit_process(sig);  // no core is dumped: the wait status says so
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
  const Vma* v = mm().vmas.find(addr);
  return v && (v->prot & kPROT_EXEC);
}

[[noreturn]] void report_fault(const TrapFrame& f, int sig, uint64_t fault_addr,
                               const char* what) {
  char sym[160];
  kprintf("kiln: program received %s: %s at address %#lx\n", signal_name(sig), what, fault_addr);
  symbolize_user(f.rip, sym, sizeof sym);
  kprintf("  rip %016lx %s\n", f.rip, sym);
  print_registers(f);
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

}  // namespace

Thread* signal_target(Process* p, int sig) {
  Thread* self = current_thread();
  if (self->process == p && !(self->signal_mask & signal_bit(sig))) return self;
  Thread* first = thread_first(p);
  for (Thread* t = first; t; t = thread_next(t))
    if (!(t->signal_mask & signal_bit(sig))) return t;
  // Every thread blocks it: it stays pending on one of them.
  return self->process == p ? self : first;
}

const char* signal_name(int sig) {
  if (sig > 0 && sig < kSIGRTMIN) return kNames[sig];
  return sig >= kSIGRTMIN && sig <= kSIGRTMAX ? "SIGRT" : "?";
}

void send_signal(Thread* t, int sig, int code, int sender_pid, uint64_t addr) {
  Process& owner = t->process ? *t->process : process();
  if (is_ignored(owner, sig)) return;
  bool fatal = sig == kSIGKILL ||
               (owner.actions[sig].handler == kSIG_DFL && !(t->signal_mask & signal_bit(sig)));
  // In the caller's own process nothing can observe it first: end now.
  // Another process ends when its thread next runs (deliver_signals), and
  // so does one a kernel thread signals: the kernel thread goes on.
  Thread* self = current_thread();
  if (fatal && self && self->process == &owner) terminate(sig);
  t->pending_signals |= signal_bit(sig);
  t->signal_info[sig - 1] = Thread::PendingInfo{code, sender_pid, addr};
  if (t->state == ThreadState::Blocked &&
      (sig == kSIGKILL || !(t->signal_mask & signal_bit(sig)))) {
    t->interrupted = true;
    wake_thread(t);
  }
}

bool signal_process(Process* p, int sig, int sender_pid) {
  if (p->state != ProcessState::Running || !thread_first(p)) return false;
  send_signal(signal_target(p, sig), sig, kSI_USER, sender_pid, 0);
  return true;
}

bool signal_pending() {
  Thread* t = current_thread();
  return t->pending_signals & ~t->signal_mask;
}

bool deliver_signals(TrapFrame& f) {
  Thread* t = current_thread();
  uint64_t ready = t->pending_signals & (~t->signal_mask | signal_bit(kSIGKILL));
  if (!ready) return false;
  int sig = __builtin_ctzll(ready) + 1;
  t->pending_signals &= ~signal_bit(sig);
  Sigaction& a = process().actions[sig];
  if (sig == kSIGKILL) terminate(sig);
  if (a.handler == kSIG_IGN) return false;
  if (a.handler == kSIG_DFL) {
    if (ignored_by_default(sig)) return false;
    terminate(sig);
  }
  if (!push_signal_frame(f, sig)) {
    kprintf("kiln: cannot write the frame for %s on the program's stack\n", signal_name(sig));
    terminate(kSIGSEGV);
  }
  if (a.flags & kSA_RESETHAND) a.handler = kSIG_DFL;
  return true;
}

void fault_signal(TrapFrame& f, int sig, int code, uint64_t fault_addr, const char* what) {
  Thread* t = current_thread();
  const Sigaction& a = process().actions[sig];
  // Caught only by a handler that is not blocked; a fault while its own
  // handler runs (or while blocked) is fatal, as on Linux.
  if (a.handler > kSIG_IGN && !(t->signal_mask & signal_bit(sig))) {
    t->pending_signals |= signal_bit(sig);
    t->signal_info[sig - 1] = Thread::PendingInfo{code, 0, fault_addr};
    return;  // delivered on the way back to user mode
  }
  report_fault(f, sig, fault_addr, what);
}

long sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t size, uint64_t,
                      uint64_t) {
  if (size != sizeof(Sigset)) return -kEINVAL;
  if (sig < 1 || sig > kSIGRTMAX) return -kEINVAL;
  Sigaction& cur = process().actions[sig];
  Sigaction old = cur;
  if (act) {
    if (sig == kSIGKILL || sig == kSIGSTOP) return -kEINVAL;
    Sigaction next;
    if (!get_user(&next, act)) return -kEFAULT;
    next.mask &= ~kUnblockable;
    cur = next;
    // Setting SIG_IGN discards what is pending (POSIX).
    if (is_ignored(process(), int(sig))) current_thread()->pending_signals &= ~signal_bit(int(sig));
  }
  if (oact && !put_user(oact, old)) return -kEFAULT;
  return 0;
}

long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset, uint64_t size, uint64_t,
                        uint64_t) {
  if (size != sizeof(Sigset)) return -kEINVAL;
  Thread* t = current_thread();
  uint64_t old = t->signal_mask;
  if (set) {
    uint64_t s;
    if (!get_user(&s, set)) return -kEFAULT;
    switch (int(how)) {
      case kSIG_BLOCK: t->signal_mask |= s; break;
      case kSIG_UNBLOCK: t->signal_mask &= ~s; break;
      case kSIG_SETMASK: t->signal_mask = s; break;
      default: return -kEINVAL;
    }
    t->signal_mask &= ~kUnblockable;
  }
  if (oset && !put_user(oset, old)) return -kEFAULT;
  return 0;
}

long sys_rt_sigpending(uint64_t uset, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (size > sizeof(Sigset)) return -kEINVAL;
  uint64_t pending = current_thread()->pending_signals & current_thread()->signal_mask;
  return copy_to_user(uset, &pending, size) ? 0 : -kEFAULT;
}

long begin_temporary_sigmask(uint64_t umask, uint64_t size, uint64_t* saved) {
  Thread* t = current_thread();
  *saved = t->signal_mask;
  if (!umask) return 0;
  if (size != sizeof(Sigset)) return -kEINVAL;
  uint64_t mask;
  if (!get_user(&mask, umask)) return -kEFAULT;
  t->signal_mask = mask & ~kUnblockable;
  return 0;
}

long end_temporary_sigmask(long ret, uint64_t saved) {
  Thread* t = current_thread();
  if (ret == -kEINTR) {
    // The handler runs under the temporary mask; its sigreturn restores `saved`.
    TrapFrame& f = *syscall_frame();
    f.rax = uint64_t(ret);
    if (deliver_signals(f)) {
      syscall_request_iret();
      if (!set_frame_sigmask(f, saved)) t->signal_mask = saved;
      return ret;
    }
  }
  t->signal_mask = saved;
  return ret;
}

long sys_rt_sigsuspend(uint64_t umask, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (size != sizeof(Sigset)) return -kEINVAL;
  uint64_t mask;
  if (!get_user(&mask, umask)) return -kEFAULT;
  Thread* t = current_thread();
  uint64_t saved = t->signal_mask;
  t->signal_mask = mask & ~kUnblockable;
  WaitList never_woken;
  while (!signal_pending()) wait_on(never_woken, 0);
  return end_temporary_sigmask(-kEINTR, saved);
}

long sys_pause(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  WaitList never_woken;
  while (!signal_pending()) wait_on(never_woken, 0);
  return -kEINTR;
}

long sys_sigaltstack(uint64_t uss, uint64_t uold, uint64_t, uint64_t, uint64_t, uint64_t) {
  Thread* t = current_thread();
  StackT old{t->altstack_sp, t->altstack_flags, 0, t->altstack_size};
  uint64_t rsp = syscall_frame()->rsp;
  bool on_stack = t->altstack_size && rsp > t->altstack_sp &&
                  rsp <= t->altstack_sp + t->altstack_size;
  if (on_stack) old.flags = kSS_ONSTACK;
  if (uss) {
    StackT ss;
    if (!get_user(&ss, uss)) return -kEFAULT;
    if (on_stack) return -kEPERM;
    if (ss.flags & ~(kSS_DISABLE | kSS_ONSTACK | int32_t(kSS_AUTODISARM))) return -kEINVAL;
    if (ss.flags & kSS_DISABLE) {
      t->altstack_sp = t->altstack_size = 0;
      t->altstack_flags = kSS_DISABLE;
    } else {
      if (ss.size < kMINSIGSTKSZ) return -kENOMEM;
      t->altstack_sp = ss.sp;
      t->altstack_size = ss.size;
      t->altstack_flags = 0;
    }
  }
  if (uold && !put_user(uold, old)) return -kEFAULT;
  return 0;
}

long sys_kill(uint64_t upid, uint64_t sig, uint64_t, uint64_t, uint64_t, uint64_t) {
  int pid = int(upid);
  if (int(sig) < 0 || sig > kSIGRTMAX) return -kEINVAL;
  if (uint32_t(upid) == 0x80000000u) return -kESRCH;  // INT_MIN: no group has that number
  Process& self = process();
  // 0 is the caller's process group, -N is group N, -1 is everyone but
  // pid 1 (the caller included).
  int found = 0;
  int group = pid == 0 ? self.pgid : -pid;
  for (Process* p = first_process(); p;) {
    Process* next = next_process(p);  // the caller may end on its own signal
    bool chosen = pid > 0 ? p->pid == pid
                  : pid == -1 ? p->pid != 1 || p == &self
                              : p->pgid == group;
    if (chosen && p->state == ProcessState::Running && thread_first(p)) {
      found++;
      if (sig && p != &self) signal_process(p, int(sig), self.pid);
    }
    p = next;
  }
  if (!found) return -kESRCH;
  // The caller's own signal last: it may end the caller.
  bool self_chosen = pid == -1 || pid == self.pid || (pid <= 0 && self.pgid == group);
  if (sig && self_chosen) signal_process(&self, int(sig), self.pid);
  return 0;
}

long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t, uint64_t, uint64_t) {
  if (int(tgid) <= 0 || int(tid) <= 0 || int(sig) < 0 || sig > kSIGRTMAX) return -kEINVAL;
  Thread* t = thread_find(int(tid));
  if (!t || !t->process || t->process->pid != int(tgid)) return -kESRCH;
  if (sig) send_signal(t, int(sig), kSI_TKILL, process().pid, 0);
  return 0;
}

long sys_tkill(uint64_t tid, uint64_t sig, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_tgkill(uint64_t(process().pid), tid, sig, 0, 0, 0);
}

long sys_rt_sigreturn(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  TrapFrame& f = *syscall_frame();
  syscall_request_iret();
  if (!pop_signal_frame(f)) report_fault(f, kSIGSEGV, f.rsp, "bad signal frame in rt_sigreturn");
  return 0;
}

}  // namespace kiln
