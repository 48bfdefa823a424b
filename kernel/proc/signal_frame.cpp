// The frame a signal handler runs on, laid out as Linux's x86_64
// rt_sigframe so that glibc's restorer, ucontext readers and debuggers work:
// the return address (sa_restorer), a ucontext with the interrupted
// registers, a siginfo, and the XSAVE image of the FPU state.
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/trap.h"
#include "core/heap.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000,
                   SA_NODEFER = 0x40000000;
constexpr uint64_t UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
constexpr uint32_t kFpXstateMagic1 = 0x46505853, kFpXstateMagic2 = 0x46505845;
constexpr uint64_t kRedZone = 128;
// The flags a program may change through sigreturn (Linux's FIX_EFLAGS).
constexpr uint64_t kUserFlags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 |
                                0x10000 | 0x40000 | 0x200000;

struct SigContext {
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
      eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2, fpstate;
  uint64_t reserved[8];
};
static_assert(sizeof(SigContext) == 256);

struct UContext {
  uint64_t flags, link;
  uint64_t stack_sp;
  int32_t stack_flags, pad;
  uint64_t stack_size;
  SigContext mcontext;
  uint64_t sigmask;
};
static_assert(sizeof(UContext) == 304);

struct SigInfo {
  int32_t signo, errno_, code, pad;
  union {
    struct { int32_t pid; uint32_t uid; } kill;
    uint64_t addr;
    uint8_t bytes[112];
  } u;
};
static_assert(sizeof(SigInfo) == 128);

struct RtSigFrame {
  uint64_t pretcode;
  UContext uc;
  SigInfo info;
};

bool on_altstack(const Thread* t, uint64_t sp) {
  return t->altstack_size && sp > t->altstack_sp && sp <= t->altstack_sp + t->altstack_size;
}

}  // namespace

bool push_signal_frame(TrapFrame& f, int sig) {
  Thread* t = current_thread();
  const SigAction& a = process().actions[sig];
  if (!(a.flags & SA_RESTORER)) return false;  // x86_64 has no kernel-provided trampoline

  uint64_t sp = f.rsp - kRedZone;
  if ((a.flags & SA_ONSTACK) && t->altstack_size && !on_altstack(t, f.rsp))
    sp = t->altstack_sp + t->altstack_size;
  size_t fpu_size = fpu::state_size();
  uint64_t fpstate = (sp - fpu_size - 4) & ~uint64_t(63);
  uint64_t frame_at = ((fpstate - sizeof(RtSigFrame)) & ~uint64_t(15)) - 8;

  // The FPU image: the live registers, tagged as Linux tags an XSAVE frame.
  auto area = static_cast<uint8_t*>(kmalloc(fpu_size));
  if (!area) return false;
  memset(area, 0, fpu_size);
  fpu::save(area);
  uint32_t sw[4] = {kFpXstateMagic1, uint32_t(fpu_size + 4), uint32_t(fpu::features()),
                    uint32_t(fpu_size)};
  bool xsave = fpu::uses_xsave();
  if (xsave) memcpy(area + 464, sw, sizeof sw);
  bool ok = copy_to_user(fpstate, area, fpu_size) &&
            (!xsave || put_user(fpstate + fpu_size, kFpXstateMagic2));
  kfree(area);
  if (!ok) return false;

  RtSigFrame fr = {};
  fr.pretcode = a.restorer;
  fr.uc.flags = (xsave ? UC_FP_XSTATE : 0) | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
  fr.uc.stack_sp = t->altstack_sp;
  fr.uc.stack_flags = on_altstack(t, f.rsp) ? 1 : t->altstack_flags;
  fr.uc.stack_size = t->altstack_size;
  SigContext& m = fr.uc.mcontext;
  m = SigContext{f.r8,  f.r9,  f.r10, f.r11, f.r12, f.r13, f.r14, f.r15, f.rdi,
                 f.rsi, f.rbp, f.rbx, f.rdx, f.rax, f.rcx, f.rsp, f.rip, f.rflags,
                 uint16_t(f.cs), 0, 0, uint16_t(f.ss), f.error,
                 f.vector < 32 ? f.vector : 0, t->signal_mask, 0, fpstate, {}};
  const Thread::PendingInfo& pi = t->signal_info[sig - 1];
  if (sig == SIGSEGV || sig == SIGBUS) m.cr2 = pi.addr;
  fr.uc.sigmask = t->signal_mask;
  fr.info.signo = sig;
  fr.info.code = pi.code;
  if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP)
    fr.info.u.addr = pi.addr;
  else
    fr.info.u.kill = {pi.pid, 0};
  if (!copy_to_user(frame_at, &fr, sizeof fr)) return false;

  // Enter the handler: handler(sig, &info, &uc), a fresh FPU state, the mask.
  f.rip = a.handler;
  f.rsp = frame_at;
  f.rdi = uint64_t(sig);
  f.rsi = frame_at + __builtin_offsetof(RtSigFrame, info);
  f.rdx = frame_at + __builtin_offsetof(RtSigFrame, uc);
  f.rax = 0;
  f.rflags &= ~uint64_t(0x100 | 0x400 | 0x40000);  // TF, DF, AC
  f.cs = kUserCs;
  f.ss = kUserDs;
  t->signal_mask |= a.mask | ((a.flags & SA_NODEFER) ? 0 : signal_bit(sig));
  t->signal_mask &= ~(signal_bit(SIGKILL) | signal_bit(SIGSTOP));
  fpu::load_initial();
  return true;
}

bool set_frame_sigmask(const TrapFrame& f, uint64_t mask) {
  return put_user(f.rdx + __builtin_offsetof(UContext, sigmask), mask);
}

bool pop_signal_frame(TrapFrame& f) {
  // The handler's `ret` popped pretcode: the ucontext is at rsp.
  UContext uc;
  if (!copy_from_user(&uc, f.rsp, sizeof uc)) return false;
  const SigContext& m = uc.mcontext;
  if (m.rip >= kUserTop || m.rsp >= kUserTop) return false;  // iretq would fault in the kernel
  f.r8 = m.r8; f.r9 = m.r9; f.r10 = m.r10; f.r11 = m.r11;
  f.r12 = m.r12; f.r13 = m.r13; f.r14 = m.r14; f.r15 = m.r15;
  f.rdi = m.rdi; f.rsi = m.rsi; f.rbp = m.rbp; f.rbx = m.rbx;
  f.rdx = m.rdx; f.rax = m.rax; f.rcx = m.rcx; f.rsp = m.rsp; f.rip = m.rip;
  f.rflags = (f.rflags & ~kUserFlags) | (m.eflags & kUserFlags) | 0x200;
  f.cs = kUserCs;
  f.ss = kUserDs;
  Thread* t = current_thread();
  t->signal_mask = uc.sigmask & ~(signal_bit(SIGKILL) | signal_bit(SIGSTOP));
  if (!m.fpstate) {
    fpu::load_initial();
    return true;
  }
  size_t fpu_size = fpu::state_size();
  auto area = static_cast<uint8_t*>(kmalloc(fpu_size));
  if (!area) return false;
  bool ok = copy_from_user(area, m.fpstate, fpu_size);
  if (ok) fpu::load_sanitized(area);
  kfree(area);
  return ok;
}

}  // namespace kiln
