// Socket families, types, options, message flags and the structs the
// socket calls take (linux/socket.h, asm-generic/socket.h, linux/net.h,
// linux/un.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

#include "abi/linux/fcntl.h"

namespace kiln::inline abi {

inline constexpr int kAF_UNSPEC = 0, kAF_UNIX = 1, kAF_INET = 2, kAF_INET6 = 10,
                     kAF_NETLINK = 16;

inline constexpr int kSOCK_STREAM = 1, kSOCK_DGRAM = 2, kSOCK_SEQPACKET = 5;
inline constexpr int kSOCK_NONBLOCK = int(kO_NONBLOCK), kSOCK_CLOEXEC = int(kO_CLOEXEC);

inline constexpr int kSOL_SOCKET = 1;
inline constexpr int kSO_DEBUG = 1, kSO_REUSEADDR = 2, kSO_TYPE = 3, kSO_ERROR = 4,
                     kSO_DONTROUTE = 5, kSO_BROADCAST = 6, kSO_SNDBUF = 7, kSO_RCVBUF = 8,
                     kSO_KEEPALIVE = 9, kSO_OOBINLINE = 10, kSO_LINGER = 13, kSO_REUSEPORT = 15,
                     kSO_PASSCRED = 16, kSO_PEERCRED = 17, kSO_RCVLOWAT = 18, kSO_RCVTIMEO = 20,
                     kSO_SNDTIMEO = 21, kSO_ACCEPTCONN = 30, kSO_PROTOCOL = 38, kSO_DOMAIN = 39;

inline constexpr int kMSG_OOB = 1, kMSG_PEEK = 2, kMSG_DONTROUTE = 4, kMSG_TRUNC = 0x20,
                     kMSG_DONTWAIT = 0x40, kMSG_EOR = 0x80, kMSG_WAITALL = 0x100,
                     kMSG_NOSIGNAL = 0x4000, kMSG_MORE = 0x8000, kMSG_WAITFORONE = 0x10000,
                     kMSG_CMSG_CLOEXEC = 0x40000000;

inline constexpr int kSHUT_RD = 0, kSHUT_WR = 1, kSHUT_RDWR = 2;

struct Msghdr {
  uint64_t name;
  uint32_t namelen, pad0;
  uint64_t iov, iovlen, control, controllen;
  int32_t flags, pad1;
};
static_assert(sizeof(Msghdr) == 56);

struct Mmsghdr {
  Msghdr hdr;
  uint32_t len, pad;
};
static_assert(sizeof(Mmsghdr) == 64);

// The family field of every sockaddr is host-endian; the rest of its form
// depends on the family.
struct alignas(8) SockaddrStorage {
  uint16_t family;
  uint8_t data[126];
};

struct SockaddrUn {
  uint16_t family;
  char path[108];
};

struct Linger {
  int32_t onoff, linger;
};

struct Ucred {
  int32_t pid;
  uint32_t uid, gid;
};

}  // namespace kiln::inline abi
