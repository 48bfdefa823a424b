// File modes, struct stat and statx (asm-generic/stat.h, x86's asm/stat.h,
// linux/stat.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

// The file type bits of st_mode.
inline constexpr uint32_t kS_IFMT = 0170000, kS_IFSOCK = 0140000, kS_IFLNK = 0120000,
                          kS_IFREG = 0100000, kS_IFBLK = 0060000, kS_IFDIR = 0040000,
                          kS_IFCHR = 0020000, kS_IFIFO = 0010000;
inline constexpr uint32_t kS_ISGID = 02000;  // on a directory: new files take its group

// utimensat's tv_nsec values that are not times.
inline constexpr int64_t kUTIME_NOW = (1l << 30) - 1, kUTIME_OMIT = (1l << 30) - 2;

struct Stat {
  uint64_t dev, ino, nlink;
  uint32_t mode, uid, gid, pad0;
  uint64_t rdev;
  int64_t size, blksize, blocks;
  int64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
  int64_t unused[3];
};
static_assert(sizeof(Stat) == 144);

// statx's mask: what it filled in, and the bit reserved for a future struct.
inline constexpr uint32_t kSTATX_BASIC_STATS = 0x7ff;
inline constexpr uint32_t kSTATX_RESERVED = 0x80000000;  // STATX__RESERVED

struct StatxTimestamp {
  int64_t sec;
  uint32_t nsec, reserved;
};

struct Statx {
  uint32_t mask, blksize;
  uint64_t attributes;
  uint32_t nlink, uid, gid;
  uint16_t mode, spare0;
  uint64_t ino, size, blocks, attributes_mask;
  StatxTimestamp atime, btime, ctime, mtime;
  uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  uint64_t spare2[14];
};
static_assert(sizeof(Statx) == 256);

}  // namespace kiln::inline abi
