// The auxiliary vector's keys, what execve leaves above a program's
// environment (linux/auxvec.h, x86's asm/auxvec.h). Names and namespace as
// errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint64_t kAT_NULL = 0, kAT_PHDR = 3, kAT_PHENT = 4, kAT_PHNUM = 5,
                          kAT_PAGESZ = 6, kAT_BASE = 7, kAT_FLAGS = 8, kAT_ENTRY = 9,
                          kAT_UID = 11, kAT_EUID = 12, kAT_GID = 13, kAT_EGID = 14,
                          kAT_PLATFORM = 15, kAT_HWCAP = 16, kAT_CLKTCK = 17, kAT_SECURE = 23,
                          kAT_RANDOM = 25, kAT_HWCAP2 = 26, kAT_EXECFN = 31,
                          kAT_MINSIGSTKSZ = 51;

}  // namespace kiln::inline abi
