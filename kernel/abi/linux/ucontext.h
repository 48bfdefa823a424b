// What a signal handler's third argument points to: the interrupted
// registers and the FPU state's tags (x86's asm/sigcontext.h and
// asm/ucontext.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

#include "abi/linux/signal.h"

namespace kiln::inline abi {

inline constexpr uint64_t kUC_FP_XSTATE = 1, kUC_SIGCONTEXT_SS = 2, kUC_STRICT_RESTORE_SS = 4;
// Where an XSAVE image in a signal frame says it is one.
inline constexpr uint32_t kFP_XSTATE_MAGIC1 = 0x46505853, kFP_XSTATE_MAGIC2 = 0x46505845;

struct Sigcontext {
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
      eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2, fpstate;
  uint64_t reserved1[8];
};
static_assert(sizeof(Sigcontext) == 256);

struct Ucontext {
  uint64_t flags, link;
  StackT stack;
  Sigcontext mcontext;
  Sigset sigmask;
};
static_assert(sizeof(Ucontext) == 304);

}  // namespace kiln::inline abi
