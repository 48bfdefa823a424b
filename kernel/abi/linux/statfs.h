// struct statfs and the f_type of the file systems kiln offers
// (asm-generic/statfs.h, linux/magic.h). Names and namespace as errno.h
// explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint64_t kTMPFS_MAGIC = 0x01021994, kPROC_SUPER_MAGIC = 0x9fa0,
                          kISOFS_SUPER_MAGIC = 0x9660, kEXT2_SUPER_MAGIC = 0xef53;

// f_flags
inline constexpr int64_t kST_RDONLY = 1;

struct Statfs {
  int64_t type, bsize;
  uint64_t blocks, bfree, bavail, files, ffree;
  int32_t fsid[2];
  int64_t namelen, frsize, flags, spare[4];
};
static_assert(sizeof(Statfs) == 120);

}  // namespace kiln::inline abi
