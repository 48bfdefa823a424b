// open() flags, fcntl() commands, the *at() flags and the other file calls'
// flags (asm-generic/fcntl.h, linux/fcntl.h, linux/fs.h, linux/falloc.h,
// linux/close_range.h, linux/memfd.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint32_t kO_ACCMODE = 03, kO_RDONLY = 00, kO_WRONLY = 01, kO_RDWR = 02,
                          kO_CREAT = 0100, kO_EXCL = 0200, kO_NOCTTY = 0400, kO_TRUNC = 01000,
                          kO_APPEND = 02000, kO_NONBLOCK = 04000, kO_DSYNC = 010000,
                          kO_DIRECT = 040000, kO_LARGEFILE = 0100000, kO_DIRECTORY = 0200000,
                          kO_NOFOLLOW = 0400000, kO_NOATIME = 01000000, kO_CLOEXEC = 02000000,
                          kO_SYNC = 04010000, kO_PATH = 010000000, kO_TMPFILE = 020200000;

inline constexpr int kF_DUPFD = 0, kF_GETFD = 1, kF_SETFD = 2, kF_GETFL = 3, kF_SETFL = 4,
                     kF_GETLK = 5, kF_SETLK = 6, kF_SETLKW = 7, kF_SETOWN = 8, kF_GETOWN = 9,
                     kF_SETSIG = 10, kF_GETSIG = 11, kF_OFD_GETLK = 36, kF_OFD_SETLK = 37,
                     kF_OFD_SETLKW = 38, kF_DUPFD_CLOEXEC = 1030, kF_SETPIPE_SZ = 1031,
                     kF_GETPIPE_SZ = 1032;
inline constexpr int kFD_CLOEXEC = 1;

// struct flock's l_type.
inline constexpr int16_t kF_RDLCK = 0, kF_WRLCK = 1, kF_UNLCK = 2;
// flock() operations.
inline constexpr int kLOCK_SH = 1, kLOCK_EX = 2, kLOCK_NB = 4, kLOCK_UN = 8;

inline constexpr int kSEEK_SET = 0, kSEEK_CUR = 1, kSEEK_END = 2, kSEEK_DATA = 3,
                     kSEEK_HOLE = 4, kSEEK_MAX = kSEEK_HOLE;

inline constexpr int kAT_FDCWD = -100;
inline constexpr int kAT_SYMLINK_NOFOLLOW = 0x100, kAT_EACCESS = 0x200, kAT_REMOVEDIR = 0x200,
                     kAT_SYMLINK_FOLLOW = 0x400, kAT_NO_AUTOMOUNT = 0x800,
                     kAT_EMPTY_PATH = 0x1000, kAT_STATX_SYNC_TYPE = 0x6000;

// access() modes (libc's unistd.h).
inline constexpr int kX_OK = 1, kW_OK = 2, kR_OK = 4;

inline constexpr int kRENAME_NOREPLACE = 1, kRENAME_EXCHANGE = 2, kRENAME_WHITEOUT = 4;
inline constexpr int kFALLOC_FL_KEEP_SIZE = 1;
inline constexpr int kCLOSE_RANGE_CLOEXEC = 4;

// File sealing (memfd_create(2), fcntl(2)).
inline constexpr int kF_ADD_SEALS = 1033, kF_GET_SEALS = 1034;
inline constexpr uint32_t kF_SEAL_SEAL = 0x1, kF_SEAL_SHRINK = 0x2, kF_SEAL_GROW = 0x4,
                          kF_SEAL_WRITE = 0x8, kF_SEAL_FUTURE_WRITE = 0x10, kF_SEAL_EXEC = 0x20;

// memfd_create flags.
inline constexpr uint32_t kMFD_CLOEXEC = 0x1, kMFD_ALLOW_SEALING = 0x2, kMFD_HUGETLB = 0x4,
                          kMFD_NOEXEC_SEAL = 0x8, kMFD_EXEC = 0x10;
inline constexpr uint64_t kMfdNameMax = 249;  // Linux's MFD_NAME_MAX_LEN: NAME_MAX - strlen("memfd:")

// posix_fadvise advice.
inline constexpr int kPOSIX_FADV_NORMAL = 0, kPOSIX_FADV_RANDOM = 1, kPOSIX_FADV_SEQUENTIAL = 2,
                     kPOSIX_FADV_WILLNEED = 3, kPOSIX_FADV_DONTNEED = 4, kPOSIX_FADV_NOREUSE = 5;

// splice, tee and vmsplice flags.
inline constexpr uint32_t kSPLICE_F_MOVE = 1, kSPLICE_F_NONBLOCK = 2, kSPLICE_F_MORE = 4,
                          kSPLICE_F_GIFT = 8;

// struct flock on x86_64.
struct Flock {
  int16_t type, whence;
  int32_t pad;
  int64_t start, len;
  int32_t pid, pad2;
};
static_assert(sizeof(Flock) == 32);

}  // namespace kiln::inline abi
