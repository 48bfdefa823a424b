// prctl() and arch_prctl() options (linux/prctl.h, x86's asm/prctl.h).
// Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr int kPR_GET_DUMPABLE = 3, kPR_SET_DUMPABLE = 4, kPR_SET_NAME = 15,
                     kPR_GET_NAME = 16;

inline constexpr uint64_t kARCH_SET_GS = 0x1001, kARCH_SET_FS = 0x1002, kARCH_GET_FS = 0x1003,
                          kARCH_GET_GS = 0x1004;

}  // namespace kiln::inline abi
