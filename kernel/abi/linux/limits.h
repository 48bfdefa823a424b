// Sizes the ABI fixes (linux/limits.h). Names and namespace as
// errno.h explains.
#pragma once

#include <stddef.h>

namespace kiln::inline abi {

inline constexpr size_t kPATH_MAX = 4096;   // bytes of a path, its NUL included
inline constexpr size_t kNAME_MAX = 255;    // bytes of one name
inline constexpr size_t kPIPE_BUF = 4096;   // pipe writes up to this size are atomic

}  // namespace kiln::inline abi
