// Linux's wait4/waitid constants (uapi/linux/wait.h, asm-generic/siginfo.h)
// and the part of siginfo_t that waitid fills.
#pragma once

#include <stdint.h>

namespace kiln {

// Options of wait4 and waitid.
enum : int {
  WNOHANG = 1, WUNTRACED = 2, WSTOPPED = WUNTRACED, WEXITED = 4, WCONTINUED = 8,
  WNOWAIT = 0x01000000, WNOTHREAD = 0x20000000, WALL = 0x40000000,
};
inline constexpr uint32_t WCLONE = 0x80000000u;

// waitid's idtype.
enum : int { P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3 };

// si_code of SIGCHLD.
enum : int { CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3 };

// siginfo_t's fields for SIGCHLD, where waitid writes them (the union
// starts at byte 16 on x86_64; the whole struct is 128 bytes).
struct SigInfoChild {
  int32_t signo, errno_, code, pad;
  int32_t pid;
  uint32_t uid;
  int32_t status;
};
static_assert(sizeof(SigInfoChild) == 28);
inline constexpr uint32_t kSigInfoSize = 128;

}  // namespace kiln
