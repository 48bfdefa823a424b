// wait4() and waitid() options and waitid's idtype (linux/wait.h). Names and namespace as errno.h explains;
// Linux's __WALL, __WCLONE and __WNOTHREAD lose their underscores.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint32_t kWNOHANG = 1, kWUNTRACED = 2, kWSTOPPED = kWUNTRACED, kWEXITED = 4,
                          kWCONTINUED = 8, kWNOWAIT = 0x01000000, kWNOTHREAD = 0x20000000,
                          kWALL = 0x40000000, kWCLONE = 0x80000000;

// waitid's idtype.
inline constexpr int kP_ALL = 0, kP_PID = 1, kP_PGID = 2, kP_PIDFD = 3;

}  // namespace kiln::inline abi
