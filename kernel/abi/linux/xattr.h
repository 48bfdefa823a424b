// Linux's extended attribute constants (uapi/linux/xattr.h, limits.h).
#pragma once

#include <stddef.h>

namespace kiln {

// setxattr flags.
enum : int { XATTR_CREATE = 1, XATTR_REPLACE = 2 };

inline constexpr size_t XATTR_NAME_MAX = 255;    // bytes of a name, prefix included
inline constexpr size_t XATTR_SIZE_MAX = 65536;  // bytes of one value
inline constexpr size_t XATTR_LIST_MAX = 65536;  // bytes of a listxattr answer

// The namespaces, as name prefixes.
inline constexpr char XATTR_USER_PREFIX[] = "user.";
inline constexpr char XATTR_TRUSTED_PREFIX[] = "trusted.";
inline constexpr char XATTR_SECURITY_PREFIX[] = "security.";
inline constexpr char XATTR_SYSTEM_PREFIX[] = "system.";

}  // namespace kiln
