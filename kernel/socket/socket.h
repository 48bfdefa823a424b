// Sockets as files. The syscall layer (sys_socket.cpp) copies addresses and
// message headers in and out of user memory; each address family
// implements Socket (unix_socket.cpp, inet sockets over kernel/net).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "file/file.h"
#include "lib/linker_set.h"

namespace kiln {

inline constexpr int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
inline constexpr int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
inline constexpr int SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
inline constexpr int SOL_SOCKET = 1;
inline constexpr int SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4,
                     SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8,
                     SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_LINGER = 13, SO_REUSEPORT = 15,
                     SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_RCVTIMEO = 20,
                     SO_SNDTIMEO = 21, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
inline constexpr int MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTROUTE = 4, MSG_TRUNC = 0x20,
                     MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
                     MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
inline constexpr int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
inline constexpr size_t kMaxSockaddr = 128;  // sizeof(struct sockaddr_storage)

struct SockAddr {
  uint8_t bytes[kMaxSockaddr];
  size_t len = 0;
};

// One sendmsg/recvmsg: the iovecs (user addresses) copied into the kernel.
struct IoVec {
  uint64_t base, len;
};
struct Message {
  static constexpr size_t kMaxIov = 1024;
  IoVec* iov = nullptr;
  size_t iovcnt = 0;
  SockAddr* name = nullptr;  // in: destination (sendto); out: source (recvfrom)
  int flags = 0;             // recvmsg's msg_flags on return
  size_t total() const {
    size_t n = 0;
    for (size_t i = 0; i < iovcnt; i++) n += iov[i].len;
    return n;
  }
};

class Socket : public File {
 public:
  FileKind kind() const override { return FileKind::Socket; }
  bool pollable() const override { return true; }

  virtual long bind(const SockAddr& addr) = 0;
  virtual long listen(int backlog) = 0;
  // A new connected socket for *out; its peer's address in *peer.
  virtual long accept(Socket** out, SockAddr* peer, bool nonblock) = 0;
  virtual long connect(const SockAddr& addr) = 0;
  virtual long send(Message& m, int flags) = 0;
  virtual long recv(Message& m, int flags) = 0;
  virtual long shutdown(int how) = 0;
  virtual long local_name(SockAddr* out) = 0;
  virtual long peer_name(SockAddr* out) = 0;
  // Options not handled generically (level, name, kernel copy of the value).
  virtual long set_option(int level, int name, const void* val, size_t len);
  virtual long get_option(int level, int name, void* val, size_t* len);

  long read(uint64_t buf, size_t n) override;
  long write(uint64_t buf, size_t n) override;
  long ioctl(uint64_t cmd, uint64_t arg) override;
  long vector_io(bool write, uint64_t iov, uint64_t count) override;

  int domain = 0, type = 0, protocol = 0;
};

// Copies between user iovecs and kernel bytes, advancing a cursor.
struct IoCursor {
  const Message& m;
  size_t index = 0, offset = 0;
  // Copies up to n bytes; returns how many, or -EFAULT.
  long to_user(const uint8_t* src, size_t n);
  long from_user(uint8_t* dst, size_t n);
};

// The address families this kernel offers, each registered by its own
// module (AF_UNIX here, AF_INET and AF_INET6 with the network stack).
struct SocketFamily {
  int family;  // AF_UNIX...
  // socket(family, type without its flags, protocol).
  long (*make)(int family, int type, int protocol, Socket** out);
  // SIOCGIF* and the other interface ioctls, asked of any socket (nullptr:
  // not this family's business).
  long (*interface_ioctl)(uint64_t cmd, uint64_t arg);
};

// The interface ioctls' numbers (SIOCADDRT .. SIOCGIFINDEX).
bool is_interface_ioctl(uint64_t cmd);

// socketpair(AF_UNIX) (unix_socket.cpp).
long make_unix_pair(int type, Socket** a, Socket** b);

// A datagram socket of the kernel's own, bound to PATH as bind() would:
// each datagram sent there goes to `receive` within the sender's call,
// never queued, so a sender never waits (socket/dev_log.cpp's /dev/log).
long make_unix_receiver(const char* path, void (*receive)(const uint8_t* data, size_t len));

KILN_SET_DECLARE(socket_families, SocketFamily)

}  // namespace kiln
