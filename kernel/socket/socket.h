// Sockets as files. The syscall layer (sys_socket.cpp) copies addresses and
// message headers in and out of user memory; each address family
// implements Socket (unix_socket.cpp, inet sockets over kernel/net).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/socket.h"
#include "abi/linux/uio.h"
#include "file/file.h"
#include "lib/linker_set.h"

namespace kiln {

struct SockAddr {
  uint8_t bytes[sizeof(SockaddrStorage)];
  size_t len = 0;
};

// One sendmsg/recvmsg: the iovecs (user addresses) copied into the kernel.
struct Message {
  Iovec* iov = nullptr;
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

  [[nodiscard]] virtual long bind(const SockAddr& addr) = 0;
  [[nodiscard]] virtual long listen(int backlog) = 0;
  // A new connected socket for *out; its peer's address in *peer.
  [[nodiscard]] virtual long accept(Socket** out, SockAddr* peer, bool nonblock) = 0;
  [[nodiscard]] virtual long connect(const SockAddr& addr) = 0;
  [[nodiscard]] virtual long send(Message& m, int flags) = 0;
  [[nodiscard]] virtual long recv(Message& m, int flags) = 0;
  [[nodiscard]] virtual long shutdown(int how) = 0;
  [[nodiscard]] virtual long local_name(SockAddr* out) = 0;
  [[nodiscard]] virtual long peer_name(SockAddr* out) = 0;
  // Options not handled generically (level, name, kernel copy of the value).
  [[nodiscard]] virtual long set_option(int level, int name, const void* val, size_t len);
  [[nodiscard]] virtual long get_option(int level, int name, void* val, size_t* len);

  [[nodiscard]] long read(uint64_t buf, size_t n) override;
  [[nodiscard]] long write(uint64_t buf, size_t n) override;
  [[nodiscard]] long ioctl(uint64_t cmd, uint64_t arg) override;
  [[nodiscard]] long vector_io(bool write, uint64_t iov, uint64_t count) override;

  int domain = 0, type = 0, protocol = 0;
};

// Copies between user iovecs and kernel bytes, advancing a cursor.
struct IoCursor {
  const Message& m;
  size_t index = 0, offset = 0;
  // Copies up to n bytes; returns how many, or -EFAULT.
  [[nodiscard]] long to_user(const uint8_t* src, size_t n);
  [[nodiscard]] long from_user(uint8_t* dst, size_t n);
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
[[nodiscard]] long make_unix_pair(int type, Socket** a, Socket** b);

// A datagram socket of the kernel's own, bound to PATH as bind() would:
// each datagram sent there goes to `receive` within the sender's call,
// never queued, so a sender never waits (socket/dev_log.cpp's /dev/log).
long make_unix_receiver(const char* path, void (*receive)(const uint8_t* data, size_t len));

KILN_SET_DECLARE(socket_families, SocketFamily)

}  // namespace kiln
