// What every socket shares: read/write as recv/send, the generic options,
// and copying between iovecs and kernel buffers.
#include "socket/socket.h"

#include "core/heap.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/if.h"
#include "abi/linux/ioctl.h"
#include "mm/uaccess.h"

namespace kiln {

long IoCursor::to_user(const uint8_t* src, size_t n) {
  size_t done = 0;
  while (done < n && index < m.iovcnt) {
    const Iovec& v = m.iov[index];
    size_t room = v.len - offset;
    size_t chunk = n - done < room ? n - done : room;
    if (chunk && !copy_to_user(v.base + offset, src + done, chunk)) return -kEFAULT;
    done += chunk;
    offset += chunk;
    if (offset == v.len) index++, offset = 0;
  }
  return long(done);
}

long IoCursor::from_user(uint8_t* dst, size_t n) {
  size_t done = 0;
  while (done < n && index < m.iovcnt) {
    const Iovec& v = m.iov[index];
    size_t left = v.len - offset;
    size_t chunk = n - done < left ? n - done : left;
    if (chunk && !copy_from_user(dst + done, v.base + offset, chunk)) return -kEFAULT;
    done += chunk;
    offset += chunk;
    if (offset == v.len) index++, offset = 0;
  }
  return long(done);
}

long Socket::read(uint64_t buf, size_t n) {
  Iovec v{buf, n};
  Message m;
  m.iov = &v;
  m.iovcnt = 1;
  return recv(m, 0);
}

long Socket::write(uint64_t buf, size_t n) {
  Iovec v{buf, n};
  Message m;
  m.iov = &v;
  m.iovcnt = 1;
  return send(m, 0);
}

// One recvmsg/sendmsg, as Linux does.
long Socket::vector_io(bool write, uint64_t iov, uint64_t count) {
  Iovec small[16];
  Iovec* v = count <= 16 ? small : static_cast<Iovec*>(kmalloc(count * sizeof(Iovec)));
  if (!v) return -kENOMEM;
  long r = copy_from_user(v, iov, count * sizeof(Iovec)) ? 0 : -kEFAULT;
  if (r == 0) {
    Message m;
    m.iov = v;
    m.iovcnt = count;
    r = write ? send(m, 0) : recv(m, 0);
  }
  if (v != small) kfree(v);
  return r;
}

long Socket::ioctl(uint64_t cmd, uint64_t arg) {
  if (cmd == kFIONREAD) {
    size_t len = sizeof(int32_t);
    int32_t n = 0;
    long r = get_option(0, -1, &n, &len);  // level 0, name -1: bytes queued
    if (r < 0) return r;
    return put_user(arg, n) ? 0 : -kEFAULT;
  }
  if (!is_interface_ioctl(cmd)) return -kENOTTY;
  for (const SocketFamily& f : socket_families_set())
    if (f.interface_ioctl) return f.interface_ioctl(cmd, arg);
  return -kENODEV;  // no interfaces: this kernel has no network stack
}

bool is_interface_ioctl(uint64_t cmd) { return cmd >= kSIOCADDRT && cmd <= kSIOCGIFTXQLEN; }

long Socket::set_option(int, int, const void*, size_t) { return -kENOPROTOOPT; }
long Socket::get_option(int, int, void*, size_t*) { return -kENOPROTOOPT; }

}  // namespace kiln
