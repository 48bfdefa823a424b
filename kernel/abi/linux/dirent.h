// Directory entries as getdents64 returns them (linux/dirent.h, and the
// DT_* types of <dirent.h>). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

// d_type: a file type (S_IF*) shifted down by 12.
inline constexpr uint8_t kDT_UNKNOWN = 0, kDT_FIFO = 1, kDT_CHR = 2, kDT_DIR = 4, kDT_BLK = 6,
                         kDT_REG = 8, kDT_LNK = 10, kDT_SOCK = 12;

// struct linux_dirent64: records of offsetof(name) + the name and its NUL,
// rounded up to 8 bytes.
struct LinuxDirent64 {
  uint64_t ino;
  int64_t off;
  uint16_t reclen;
  uint8_t type;
  char name[1];
};
static_assert(__builtin_offsetof(LinuxDirent64, name) == 19);

}  // namespace kiln::inline abi
