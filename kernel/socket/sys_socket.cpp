// The socket system calls: argument checking and copying, then the
// address family's Socket does the work.
#include "core/heap.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/socket.h"
#include "abi/linux/uio.h"
#include "core/console.h"
#include "socket/socket.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr int kTypeMask = 0xf;  // Linux's SOCK_TYPE_MASK: the type below the SOCK_* flags

// The socket in `f` (held by the calling system call), or nullptr and why.
Socket* socket_of(const FileRef& f, long* err) {
  if (!f) {
    *err = -kEBADF;
    return nullptr;
  }
  if (f->kind() != FileKind::Socket) {
    *err = -kENOTSOCK;
    return nullptr;
  }
  return static_cast<Socket*>(f.file());
}

long read_addr(uint64_t uaddr, uint64_t len, SockAddr* out) {
  if (int32_t(len) < 0 || len > sizeof(SockaddrStorage)) return -kEINVAL;
  if (len && !copy_from_user(out->bytes, uaddr, len)) return -kEFAULT;
  out->len = len;
  return 0;
}

// Linux's rule: copy what fits, report the full length.
long write_addr(const SockAddr& a, uint64_t uaddr, uint64_t ulen) {
  if (!uaddr) return 0;
  uint32_t room;
  if (!get_user(&room, ulen)) return -kEFAULT;
  if (int32_t(room) < 0) return -kEINVAL;
  size_t n = a.len < room ? a.len : room;
  if (n && !copy_to_user(uaddr, a.bytes, n)) return -kEFAULT;
  uint32_t full = uint32_t(a.len);
  return put_user(ulen, full) ? 0 : -kEFAULT;
}

long install_socket(Socket* s, int flags) {
  if (flags & kSOCK_NONBLOCK) s->status_flags |= kO_NONBLOCK;
  int fd = fd_table().install(s, 0, flags & kSOCK_CLOEXEC);
  if (fd < 0) s->put();
  return fd;
}

long make_socket(int domain, int type, int protocol, Socket** out) {
  for (const SocketFamily& f : socket_families_set())
    if (f.family == domain) return f.make(domain, type & kTypeMask, protocol, out);
  if (domain == kAF_INET || domain == kAF_INET6) {
    static bool said;
    if (!said) kprintf("kiln: socket(AF_INET%s): this kernel has no network stack\n",
                       domain == kAF_INET6 ? "6" : "");
    said = true;
  }
  return -kEAFNOSUPPORT;  // netlink and the rest are not offered
}

// Reads a msghdr's iovecs into kernel memory (caller frees m->iov).
long load_message(const Msghdr& h, Message* m, SockAddr* name) {
  if (h.iovlen > kUIO_MAXIOV) return -kEMSGSIZE;
  m->iov = static_cast<Iovec*>(kmalloc(sizeof(Iovec) * (h.iovlen ? h.iovlen : 1)));
  if (!m->iov) return -kENOMEM;
  m->iovcnt = h.iovlen;
  if (h.iovlen && !copy_from_user(m->iov, h.iov, sizeof(Iovec) * h.iovlen)) return -kEFAULT;
  for (size_t i = 0; i < m->iovcnt; i++)
    if (int64_t(m->iov[i].len) < 0) return -kEINVAL;
  m->name = name;
  return 0;
}

long do_sendmsg(Socket* s, uint64_t umsg, int flags) {
  Msghdr h;
  if (!get_user(&h, umsg)) return -kEFAULT;
  SockAddr dest;
  long r = h.name ? read_addr(h.name, h.namelen, &dest) : 0;
  Message m;
  if (r == 0) r = load_message(h, &m, h.name ? &dest : nullptr);
  if (r == 0) r = s->send(m, flags);
  kfree(m.iov);
  return r;
}

long do_recvmsg(Socket* s, uint64_t umsg, int flags) {
  Msghdr h;
  if (!get_user(&h, umsg)) return -kEFAULT;
  SockAddr from;
  Message m;
  long r = load_message(h, &m, h.name ? &from : nullptr);
  if (r == 0) r = s->recv(m, flags);
  if (r >= 0) {
    uint32_t namelen = h.name ? uint32_t(from.len < h.namelen ? from.len : h.namelen) : 0;
    if (namelen && !copy_to_user(h.name, from.bytes, namelen)) r = -kEFAULT;
    uint32_t full = h.name ? uint32_t(from.len) : 0;
    uint64_t no_control = 0;
    int32_t mflags = m.flags;
    if (!put_user(umsg + __builtin_offsetof(Msghdr, namelen), full) ||
        !put_user(umsg + __builtin_offsetof(Msghdr, controllen), no_control) ||
        !put_user(umsg + __builtin_offsetof(Msghdr, flags), mflags))
      r = -kEFAULT;
  }
  kfree(m.iov);
  return r;
}

}  // namespace

long sys_socket(uint64_t domain, uint64_t type, uint64_t protocol, uint64_t, uint64_t,
                uint64_t) {
  if (type & ~uint64_t(kTypeMask | kSOCK_NONBLOCK | kSOCK_CLOEXEC)) return -kEINVAL;
  Socket* s;
  long r = make_socket(int(domain), int(type), int(protocol), &s);
  if (r < 0) return r;
  return install_socket(s, int(type));
}

long sys_socketpair(uint64_t domain, uint64_t type, uint64_t protocol, uint64_t usv, uint64_t,
                    uint64_t) {
  if (type & ~uint64_t(kTypeMask | kSOCK_NONBLOCK | kSOCK_CLOEXEC)) return -kEINVAL;
  if (domain != uint64_t(kAF_UNIX)) return domain == kAF_INET ? -kEOPNOTSUPP : -kEAFNOSUPPORT;
  if (protocol != 0 && protocol != uint64_t(kAF_UNIX)) return -kEPROTONOSUPPORT;
  Socket *a, *b;
  long r = make_unix_pair(int(type) & kTypeMask, &a, &b);
  if (r < 0) return r;
  long fa = install_socket(a, int(type));
  long fb = fa < 0 ? -kEMFILE : install_socket(b, int(type));
  if (fa < 0) b->put();
  if (fa < 0 || fb < 0) {
    if (fa >= 0) fd_table().close(fa);
    return -kEMFILE;
  }
  int32_t sv[2] = {int32_t(fa), int32_t(fb)};
  if (!copy_to_user(usv, sv, sizeof sv)) {
    fd_table().close(fa);
    fd_table().close(fb);
    return -kEFAULT;
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
  if (flags & ~uint64_t(kSOCK_NONBLOCK | kSOCK_CLOEXEC)) return -kEINVAL;
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
  Iovec v{buf, len};
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
  Iovec v{buf, len};
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
  if (vlen > kUIO_MAXIOV) vlen = kUIO_MAXIOV;  // as Linux caps it
  uint64_t sent = 0;
  for (; sent < vlen; sent++) {
    uint64_t at = uvec + sent * sizeof(Mmsghdr);
    long r = do_sendmsg(s, at, int(flags));
    if (r < 0) return sent ? long(sent) : r;
    uint32_t n = uint32_t(r);
    if (!put_user(at + __builtin_offsetof(Mmsghdr, len), n)) return sent ? long(sent) : -kEFAULT;
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
  uint64_t got = 0;
  for (; got < vlen; got++) {
    int each = int(flags) & ~kMSG_WAITFORONE;
    if (got && (flags & kMSG_WAITFORONE)) each |= kMSG_DONTWAIT;
    uint64_t at = uvec + got * sizeof(Mmsghdr);
    long r = do_recvmsg(s, at, each);
    if (r < 0) return got ? long(got) : r;
    uint32_t n = uint32_t(r);
    if (!put_user(at + __builtin_offsetof(Mmsghdr, len), n)) return got ? long(got) : -kEFAULT;
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
  if (int32_t(len) < 0 || len > 256) return -kEINVAL;
  uint8_t val[256];
  if (len && !copy_from_user(val, uval, len)) return -kEFAULT;
  return s->set_option(int(level), int(name), val, len);
}

long sys_getsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t uval, uint64_t ulen,
                    uint64_t) {
  long err;
  FileRef f = fd_table().get(int64_t(fd));
  Socket* s = socket_of(f, &err);
  if (!s) return err;
  uint32_t room;
  if (!get_user(&room, ulen)) return -kEFAULT;
  if (int32_t(room) < 0) return -kEINVAL;
  uint8_t val[256] = {};
  size_t len = room < sizeof val ? room : sizeof val;
  long r = s->get_option(int(level), int(name), val, &len);
  if (r < 0) return r;
  uint32_t out = uint32_t(len);
  if ((len && !copy_to_user(uval, val, len)) || !put_user(ulen, out)) return -kEFAULT;
  return 0;
}

}  // namespace kiln
