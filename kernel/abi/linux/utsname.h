// uname()'s struct and the host name's size (linux/utsname.h). Names and
// namespace as errno.h explains; __NEW_UTS_LEN loses its underscores.
#pragma once

namespace kiln::inline abi {

inline constexpr int kNEW_UTS_LEN = 64;  // each field's bytes, its NUL not included

// struct new_utsname
struct Utsname {
  char sysname[kNEW_UTS_LEN + 1], nodename[kNEW_UTS_LEN + 1], release[kNEW_UTS_LEN + 1],
      version[kNEW_UTS_LEN + 1], machine[kNEW_UTS_LEN + 1], domainname[kNEW_UTS_LEN + 1];
};

}  // namespace kiln::inline abi
