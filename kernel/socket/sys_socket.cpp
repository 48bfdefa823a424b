// The socket system calls: argument checking and copying, then the
// address family's Socket does the work.
#include "core/heap.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "core/console.h"
#include "socket/socket.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

struct MsgHdr {
  uint64_t name;
  uint32_t namelen, pad0;
  uint64_t iov, iovlen, control, controllen;
  int32_t flags, pad1;
};
static_assert(sizeof(MsgHdr) == 56);

struct MmsgHdr {
  MsgHdr hdr;
  uint32_t len, pad;
};
static_assert(sizeof(MmsgHdr) == 64);

constexpr int kTypeMask = 0xf;

// The socket in `f` (held by the calling system call), or nullptr and why.
Socket* socket_of(const FileRef& f, long* err) {
  if (!f) {
    *err = -EBADF;
    return nullptr;
  }
  if (f->kind() != FileKind::Socket) {
    *err = -ENOTSOCK;
    return nullptr;
  }
  return static_cast<Socket*>(f.file());
}

long read_addr(uint64_t uaddr, uint64_t len, SockAddr* out) {
  if (int32_t(len) < 0 || len > kMaxSockaddr) return -EINVAL;
  if (len && !copy_from_user(out->bytes, uaddr, len)) return -EFAULT;
  out->len = len;
  return 0;
}

// Linux's rule: copy what fits, report the full length.
long write_addr(const SockAddr& a, uint64_t uaddr, uint64_t ulen) {
  if (!uaddr) return 0;
  uint32_t room;
  if (!get_user(&room, ulen)) return -EFAULT;
  if (int32_t(room) < 0) return -EINVAL;
  size_t n = a.len < room ? a.len : room;
  if (n && !copy_to_user(uaddr, a.bytes, n)) return -EFAULT;
  uint32_t full = uint32_t(a.len);
  return put_user(ulen, full) ? 0 : -EFAULT;
}

long install_socket(Socket* s, int flags) {
  if (flags & SOCK_NONBLOCK) s->status_flags |= kOpenNonblock;
  int fd = fd_table().install(s, 0, flags & SOCK_CLOEXEC);
  if (fd < 0) s->put();
  return fd;
}

long make_socket(int domain, int type, int protocol, Socket** out) {
  for (const SocketFamily& f : socket_families_set())
    if (f.family == domain) return f.make(domain, type & kTypeMask, protocol, out);
  if (domain == AF_INET || domain == AF_INET6) {
    static bool said;
    if (!said) kprintf("kiln: socket(AF_INET%s): this kernel has no network stack\n",
                       domain == AF_INET6 ? "6" : "");
    said = true;
  }
  return -EAFNOSUPPORT;  // netlink and the rest are not offered
}

// Reads a msghdr's iovecs into kernel memory (caller frees m->iov).
long load_message(const MsgHdr& h, Message* m, SockAddr* name) {
  if (h.iovlen > Message::kMaxIov) return -EMSGSIZE;
  m->iov = static_cast<IoVec*>(kmalloc(sizeof(IoVec) * (h.iovlen ? h.iovlen : 1)));
  if (!m->iov) return -ENOMEM;
  m->iovcnt = h.iovlen;
  if (h.iovlen && !copy_from_user(m->iov, h.iov, sizeof(IoVec) * h.iovlen)) return -EFAULT;
  for (size_t i = 0; i < m->iovcnt; i++)
    if (int64_t(m->iov[i].len) < 0) return -EINVAL;
  m->name = name;
  return 0;
}

long do_sendmsg(Socket* s, uint64_t umsg, int flags) {
  MsgHdr h;
  if (!get_user(&h, umsg)) return -EFAULT;
  SockAddr dest;
  long r = h.name ? read_addr(h.name, h.namelen, &dest) : 0;
  Message m;
  if (r == 0) r = load_message(h, &m, h.name ? &dest : nullptr);
  if (r == 0) r = s->send(m, flags);
  kfree(m.iov);
  return r;
}

long do_recvmsg(Socket* s, uint64_t umsg, int flags) {
  MsgHdr h;
  if (!get_user(&h, umsg)) return -EFAULT;
  SockAddr from;
  Message m;
  long r = load_message(h, &m, h.name ? &from : nullptr);
  if (r == 0) r = s->recv(m, flags);
  if (r >= 0) {
    uint32_t namelen = h.name ? uint32_t(from.len < h.namelen ? from.len : h.namelen) : 0;
    if (namelen && !copy_to_user(h.name, from.bytes, namelen)) r = -EFAULT;
    uint32_t full = h.name ? uint32_t(from.len) : 0;
    uint64_t no_control = 0;
    int32_t mflags = m.flags;
    if (!put_user(umsg + __builtin_offsetof(MsgHdr, namelen), full) ||
        !put_user(umsg + __builtin_offsetof(MsgHdr, controllen), no_control) ||
        !put_user(umsg + __builtin_offsetof(MsgHdr, flags), mflags))
      r = -EFAULT;
  }
  kfree(m.iov);
  return r;
}

}  // namespace

long sys_socket(uint64_t domain, uint64_t type, uint64_t protocol, uint64_t, uint64_t,
                uint64_t) {
  if (type & ~uint64_t(kTypeMask | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  Socket* s;
  long r = make_socket(int(domain), int(type), int(protocol), &s);
  if (r < 0) return r;
  return install_socket(s, int(type));
}

long sys_socketpair(uint64_t domain, uint64_t type, uint64_t protocol, uint64_t usv, uint64_t,
                    uint64_t) {
  if (type & ~uint64_t(kTypeMask | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  if (domain != uint64_t(AF_UNIX)) return domain == AF_INET ? -EOPNOTSUPP : -EAFNOSUPPORT;
  if (protocol != 0 && protocol != uint64_t(AF_UNIX)) return -EPROTONOSUPPORT;
  Socket *a, *b;
  long r = make_unix_pair(int(type) & kTypeMask, &a, &b);
  if (r < 0) return r;
  long fa = install_socket(a, int(type));
  long fb = fa < 0 ? -EMFILE : install_socket(b, int(type));
  if (fa < 0) b->put();
  if (fa < 0 || fb < 0) {
    if (fa >= 0) fd_table().close(fa);
    return -EMFILE;
  }
  int32_t sv[2] = {int32_t(fa), int32_t(fb)};
  if (!copy_to_user(usv, sv, sizeof sv)) {
    fd_table().close(fa);
    fd_table().close(fb);
    return -EFAULT;
  }
  return 0;
}

long sys_bind(uint64_t fd, uint64_t uaddr, uint64_t len, uint64_t, uint64_t, uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  SockAddr a;
  if (long r = read_addr(uaddr, len, &a)) return r;
  return s->bind(a);
}

long sys_listen(uint64_t fd, uint64_t backlog, uint64_t, uint64_t, uint64_t, uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  return s->listen(int(backlog));
}

long sys_accept4(uint64_t fd, uint64_t uaddr, uint64_t ulen, uint64_t flags, uint64_t,
                 uint64_t) {
  if (flags & ~uint64_t(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  Socket* conn;
  SockAddr peer;
  long r = s->accept(&conn, &peer, false);
  if (r < 0) return r;
  long nfd = install_socket(conn, int(flags));
  if (nfd < 0) return nfd;
  if (long w = write_addr(peer, uaddr, ulen)) return w;
  return nfd;
}

long sys_accept(uint64_t fd, uint64_t uaddr, uint64_t ulen, uint64_t, uint64_t, uint64_t) {
  return sys_accept4(fd, uaddr, ulen, 0, 0, 0);
}

long sys_connect(uint64_t fd, uint64_t uaddr, uint64_t len, uint64_t, uint64_t, uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  SockAddr a;
  if (long r = read_addr(uaddr, len, &a)) return r;
  return s->connect(a);
}

long sys_sendto(uint64_t fd, uint64_t buf, uint64_t len, uint64_t flags, uint64_t uaddr,
                uint64_t alen) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  SockAddr dest;
  if (uaddr)
    if (long r = read_addr(uaddr, alen, &dest)) return r;
  IoVec v{buf, len};
  Message m;
  m.iov = &v;
  m.iovcnt = 1;
  m.name = uaddr ? &dest : nullptr;
  return s->send(m, int(flags));
}

long sys_recvfrom(uint64_t fd, uint64_t buf, uint64_t len, uint64_t flags, uint64_t uaddr,
                  uint64_t ulen) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  SockAddr from;
  IoVec v{buf, len};
  Message m;
  m.iov = &v;
  m.iovcnt = 1;
  m.name = uaddr ? &from : nullptr;
  long r = s->recv(m, int(flags));
  if (r >= 0 && uaddr)
    if (long w = write_addr(from, uaddr, ulen)) return w;
  return r;
}

long sys_sendmsg(uint64_t fd, uint64_t umsg, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  return s ? do_sendmsg(s, umsg, int(flags)) : err;
}

long sys_recvmsg(uint64_t fd, uint64_t umsg, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  return s ? do_recvmsg(s, umsg, int(flags)) : err;
}

long sys_sendmmsg(uint64_t fd, uint64_t uvec, uint64_t vlen, uint64_t flags, uint64_t,
                  uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  if (vlen > 1024) vlen = 1024;  // UIO_MAXIOV, as Linux caps it
  uint64_t sent = 0;
  for (; sent < vlen; sent++) {
    uint64_t at = uvec + sent * sizeof(MmsgHdr);
    long r = do_sendmsg(s, at, int(flags));
    if (r < 0) return sent ? long(sent) : r;
    uint32_t n = uint32_t(r);
    if (!put_user(at + __builtin_offsetof(MmsgHdr, len), n)) return sent ? long(sent) : -EFAULT;
  }
  return long(sent);
}

long sys_recvmmsg(uint64_t fd, uint64_t uvec, uint64_t vlen, uint64_t flags, uint64_t utimeout,
                  uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  (void)utimeout;  // checked between messages on Linux too; we stop when one would block
  constexpr int MSG_WAITFORONE = 0x10000;
  uint64_t got = 0;
  for (; got < vlen; got++) {
    int each = int(flags) & ~MSG_WAITFORONE;
    if (got && (flags & MSG_WAITFORONE)) each |= MSG_DONTWAIT;
    uint64_t at = uvec + got * sizeof(MmsgHdr);
    long r = do_recvmsg(s, at, each);
    if (r < 0) return got ? long(got) : r;
    uint32_t n = uint32_t(r);
    if (!put_user(at + __builtin_offsetof(MmsgHdr, len), n)) return got ? long(got) : -EFAULT;
  }
  return long(got);
}

long sys_shutdown(uint64_t fd, uint64_t how, uint64_t, uint64_t, uint64_t, uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  return s ? s->shutdown(int(how)) : err;
}

long sys_getsockname(uint64_t fd, uint64_t uaddr, uint64_t ulen, uint64_t, uint64_t,
                     uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  SockAddr a;
  long r = s->local_name(&a);
  return r < 0 ? r : write_addr(a, uaddr, ulen);
}

long sys_getpeername(uint64_t fd, uint64_t uaddr, uint64_t ulen, uint64_t, uint64_t,
                     uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  SockAddr a;
  long r = s->peer_name(&a);
  return r < 0 ? r : write_addr(a, uaddr, ulen);
}

long sys_setsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t uval, uint64_t len,
                    uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  if (int32_t(len) < 0 || len > 256) return -EINVAL;
  uint8_t val[256];
  if (len && !copy_from_user(val, uval, len)) return -EFAULT;
  return s->set_option(int(level), int(name), val, len);
}

long sys_getsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t uval, uint64_t ulen,
                    uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  uint32_t room;
  if (!get_user(&room, ulen)) return -EFAULT;
  if (int32_t(room) < 0) return -EINVAL;
  uint8_t val[256] = {};
  size_t len = room < sizeof val ? room : sizeof val;
  long r = s->get_option(int(level), int(name), val, &len);
  if (r < 0) return r;
  uint32_t out = uint32_t(len);
  if ((len && !copy_to_user(uval, val, len)) || !put_user(ulen, out)) return -EFAULT;
  return 0;
}

}  // namespace kiln
