// Signal numbers, actions, masks and siginfo codes (x86's asm/signal.h,
// asm-generic/siginfo.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

// All of the standard ones: signal_name() counts on the numbering.
inline constexpr int kSIGHUP = 1, kSIGINT = 2, kSIGQUIT = 3, kSIGILL = 4, kSIGTRAP = 5,
                     kSIGABRT = 6, kSIGBUS = 7, kSIGFPE = 8, kSIGKILL = 9, kSIGUSR1 = 10,
                     kSIGSEGV = 11, kSIGUSR2 = 12, kSIGPIPE = 13, kSIGALRM = 14, kSIGTERM = 15,
                     kSIGSTKFLT = 16, kSIGCHLD = 17, kSIGCONT = 18, kSIGSTOP = 19, kSIGTSTP = 20,
                     kSIGTTIN = 21, kSIGTTOU = 22, kSIGURG = 23, kSIGXCPU = 24, kSIGXFSZ = 25,
                     kSIGVTALRM = 26, kSIGPROF = 27, kSIGWINCH = 28, kSIGIO = 29, kSIGPWR = 30,
                     kSIGSYS = 31;
// The kernel's range of real-time signals (glibc keeps the first ones).
inline constexpr int kSIGRTMIN = 32, kSIGRTMAX = 64;

// The kernel's sigset_t: one bit per signal, bit N-1 for signal N.
using Sigset = uint64_t;

// sa_handler values that are not handlers.
inline constexpr uint64_t kSIG_DFL = 0, kSIG_IGN = 1;
inline constexpr uint64_t kSA_RESTORER = 0x04000000, kSA_ONSTACK = 0x08000000,
                          kSA_NODEFER = 0x40000000, kSA_RESETHAND = 0x80000000;
// rt_sigprocmask's how.
inline constexpr int kSIG_BLOCK = 0, kSIG_UNBLOCK = 1, kSIG_SETMASK = 2;

// sigaltstack
inline constexpr int32_t kSS_ONSTACK = 1, kSS_DISABLE = 2;
inline constexpr uint32_t kSS_AUTODISARM = 1u << 31;
inline constexpr uint64_t kMINSIGSTKSZ = 2048;

// si_code: who sent a signal, or what fault raised it.
inline constexpr int kSI_USER = 0, kSI_KERNEL = 0x80, kSI_TKILL = -6;
inline constexpr int kILL_ILLOPN = 2, kFPE_INTDIV = 1, kFPE_FLTINV = 7, kSEGV_MAPERR = 1,
                     kSEGV_ACCERR = 2, kBUS_ADRALN = 1, kBUS_ADRERR = 2, kTRAP_BRKPT = 1;
inline constexpr int kCLD_EXITED = 1, kCLD_KILLED = 2, kCLD_DUMPED = 3;

// The kernel's struct sigaction (rt_sigaction's), not libc's.
struct Sigaction {
  uint64_t handler;  // or kSIG_DFL, kSIG_IGN
  uint64_t flags;
  uint64_t restorer;
  Sigset mask;
};

// stack_t
struct StackT {
  uint64_t sp;
  int32_t flags, pad;
  uint64_t size;
};
static_assert(sizeof(StackT) == 24);

struct Siginfo {
  int32_t signo, errno_, code, pad;  // errno_: errno is libc's macro
  union {
    struct {
      int32_t pid;
      uint32_t uid;
    } kill;
    struct {  // SIGCHLD's, as waitid fills it
      int32_t pid;
      uint32_t uid;
      int32_t status;
    } child;
    uint64_t addr;  // of a fault
    uint8_t bytes[112];
  } u;
};
static_assert(sizeof(Siginfo) == 128);

}  // namespace kiln::inline abi
