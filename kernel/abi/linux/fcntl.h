// Linux's fcntl and open constants that the newer calls use (uapi/linux/fcntl.h,
// uapi/linux/memfd.h). FIXME: the older files keep local copies of O_*; they
// move here with the rename to kX spellings.
#pragma once

#include <stdint.h>

namespace kiln {

// Open flags, as File::status_flags holds them (_BIT: the older files'
// local O_* copies still take the plain names).
inline constexpr uint32_t O_RDWR_BITS = 2, O_LARGEFILE_BIT = 0100000, O_PATH_BIT = 010000000;

// File sealing (memfd_create(2), fcntl(2)).
enum : int { F_ADD_SEALS = 1033, F_GET_SEALS = 1034 };
enum : uint32_t {
  F_SEAL_SEAL = 0x1, F_SEAL_SHRINK = 0x2, F_SEAL_GROW = 0x4, F_SEAL_WRITE = 0x8,
  F_SEAL_FUTURE_WRITE = 0x10, F_SEAL_EXEC = 0x20,
};

// memfd_create flags.
enum : uint32_t {
  MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2, MFD_HUGETLB = 0x4, MFD_NOEXEC_SEAL = 0x8,
  MFD_EXEC = 0x10,
};
inline constexpr uint64_t kMfdNameMax = 249;  // NAME_MAX - strlen("memfd:")

// posix_fadvise advice.
enum : int {
  POSIX_FADV_NORMAL = 0, POSIX_FADV_RANDOM = 1, POSIX_FADV_SEQUENTIAL = 2,
  POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4, POSIX_FADV_NOREUSE = 5,
};

}  // namespace kiln

namespace kiln {

// splice, tee and vmsplice flags.
enum : uint32_t {
  SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8,
};

}  // namespace kiln
