// Extended attribute constants (linux/xattr.h, linux/limits.h). Names and
// namespace as errno.h explains.
#pragma once

#include <stddef.h>

namespace kiln::inline abi {

// setxattr flags.
inline constexpr int kXATTR_CREATE = 1, kXATTR_REPLACE = 2;

inline constexpr size_t kXATTR_NAME_MAX = 255;    // bytes of a name, prefix included
inline constexpr size_t kXATTR_SIZE_MAX = 65536;  // bytes of one value
inline constexpr size_t kXATTR_LIST_MAX = 65536;  // bytes of a listxattr answer

// The namespaces, as name prefixes.
inline constexpr char kXATTR_USER_PREFIX[] = "user.";
inline constexpr char kXATTR_TRUSTED_PREFIX[] = "trusted.";
inline constexpr char kXATTR_SECURITY_PREFIX[] = "security.";
inline constexpr char kXATTR_SYSTEM_PREFIX[] = "system.";

}  // namespace kiln::inline abi
