// wait4() options (linux/wait.h). Names and namespace as errno.h explains;
// Linux's __WALL, __WCLONE and __WNOTHREAD lose their underscores.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint32_t kWNOHANG = 1, kWUNTRACED = 2, kWCONTINUED = 8, kWNOTHREAD = 0x20000000,
                          kWALL = 0x40000000, kWCLONE = 0x80000000;

}  // namespace kiln::inline abi
