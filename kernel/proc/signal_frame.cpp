// The frame a signal handler runs on, laid out as Linux's x86_64
// rt_sigframe so that glibc's restorer, ucontext readers and debuggers work:
// the return address (sa_restorer), a ucontext with the interrupted
// registers, a siginfo, and the XSAVE image of the FPU state.
#include "abi/linux/ucontext.h"
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

constexpr uint64_t kRedZone = 128;
// The flags a program may change through sigreturn (Linux's FIX_EFLAGS).
constexpr uint64_t kUserFlags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 |
                                0x10000 | 0x40000 | 0x200000;

struct RtSigFrame {
  uint64_t pretcode;
  Ucontext uc;
  Siginfo info;
};

bool on_altstack(const Thread* t, uint64_t sp) {
  return t->altstack_size && sp > t->altstack_sp && sp <= t->altstack_sp + t->altstack_size;
}

}  // namespace

bool push_signal_frame(TrapFrame& f, int sig) {
  Thread* t = current_thread();
  const Sigaction& a = process().actions[sig];
  if (!(a.flags & kSA_RESTORER)) return false;  // x86_64 has no kernel-provided trampoline

  uint64_t sp = f.rsp - kRedZone;
  if ((a.flags & kSA_ONSTACK) && t->altstack_size && !on_altstack(t, f.rsp))
    sp = t->altstack_sp + t->altstack_size;
  size_t fpu_size = fpu::state_size();
  uint64_t fpstate = (sp - fpu_size - 4) & ~uint64_t(63);
  uint64_t frame_at = ((fpstate - sizeof(RtSigFrame)) & ~uint64_t(15)) - 8;

  // The FPU image: the live registers, tagged as Linux tags an XSAVE frame.
  auto area = static_cast<uint8_t*>(kmalloc(fpu_size));
  if (!area) return false;
  memset(area, 0, fpu_size);
  fpu::save(area);
  uint32_t sw[4] = {kFP_XSTATE_MAGIC1, uint32_t(fpu_size + 4), uint32_t(fpu::features()),
                    uint32_t(fpu_size)};
  bool xsave = fpu::uses_xsave();
  if (xsave) memcpy(area + 464, sw, sizeof sw);
  bool ok = copy_to_user(fpstate, area, fpu_size) &&
            (!xsave || put_user(fpstate + fpu_size, kFP_XSTATE_MAGIC2));
  kfree(area);
  if (!ok) return false;

  RtSigFrame fr = {};
  fr.pretcode = a.restorer;
  fr.uc.flags = (xsave ? kUC_FP_XSTATE : 0) | kUC_SIGCONTEXT_SS | kUC_STRICT_RESTORE_SS;
  fr.uc.stack.sp = t->altstack_sp;
  fr.uc.stack.flags = on_altstack(t, f.rsp) ? kSS_ONSTACK : t->altstack_flags;
  fr.uc.stack.size = t->altstack_size;
  Sigcontext& m = fr.uc.mcontext;
  m = Sigcontext{f.r8,  f.r9,  f.r10, f.r11, f.r12, f.r13, f.r14, f.r15, f.rdi,
                 f.rsi, f.rbp, f.rbx, f.rdx, f.rax, f.rcx, f.rsp, f.rip, f.rflags,
                 uint16_t(f.cs), 0, 0, uint16_t(f.ss), f.error,
                 f.vector < 32 ? f.vector : 0, t->signal_mask, 0, fpstate, {}};
  const Thread::PendingInfo& pi = t->signal_info[sig - 1];
  if (sig == kSIGSEGV || sig == kSIGBUS) m.cr2 = pi.addr;
  fr.uc.sigmask = t->signal_mask;
  fr.info.signo = sig;
  fr.info.code = pi.code;
  if (sig == kSIGSEGV || sig == kSIGBUS || sig == kSIGILL || sig == kSIGFPE || sig == kSIGTRAP)
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
  t->signal_mask |= a.mask | ((a.flags & kSA_NODEFER) ? 0 : signal_bit(sig));
  t->signal_mask &= ~(signal_bit(kSIGKILL) | signal_bit(kSIGSTOP));
  fpu::load_initial();
  return true;
}

bool set_frame_sigmask(const TrapFrame& f, uint64_t mask) {
  return put_user(f.rdx + __builtin_offsetof(Ucontext, sigmask), mask);
}

bool pop_signal_frame(TrapFrame& f) {
  // The handler's `ret` popped pretcode: the ucontext is at rsp.
  Ucontext uc;
  if (!copy_from_user(&uc, f.rsp, sizeof uc)) return false;
  const Sigcontext& m = uc.mcontext;
  if (m.rip >= kUserTop || m.rsp >= kUserTop) return false;  // iretq would fault in the kernel
  f.r8 = m.r8; f.r9 = m.r9; f.r10 = m.r10; f.r11 = m.r11;
  f.r12 = m.r12; f.r13 = m.r13; f.r14 = m.r14; f.r15 = m.r15;
  f.rdi = m.rdi; f.rsi = m.rsi; f.rbp = m.rbp; f.rbx = m.rbx;
  f.rdx = m.rdx; f.rax = m.rax; f.rcx = m.rcx; f.rsp = m.rsp; f.rip = m.rip;
  f.rflags = (f.rflags & ~kUserFlags) | (m.eflags & kUserFlags) | 0x200;
  f.cs = kUserCs;
  f.ss = kUserDs;
  Thread* t = current_thread();
  t->signal_mask = uc.sigmask & ~(signal_bit(kSIGKILL) | signal_bit(kSIGSTOP));
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
