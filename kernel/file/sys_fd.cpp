// Descriptors that are not files on a disk: pipes, eventfds, epoll.
#include "core/clock.h"
#include "core/thread.h"
#include "file/epoll.h"
#include "abi/linux/errno.h"
#include "abi/linux/eventfd.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/poll.h"
#include "file/eventfd.h"
#include "file/file.h"
#include "file/pipe.h"
#include "proc/signal.h"
#include "proc/syscalls.h"
#include "mm/user_time.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr int kMaxEpollEvents = 0x7fffffff / sizeof(EpollEvent);

// Installs a new file, or releases it when the table is full.
long install(File* f, bool cloexec) {
  if (!f) return -kENOMEM;
  int fd = fd_table().install(f, 0, cloexec);
  if (fd < 0) f->put();
  return fd;
}

long epoll_wait_common(uint64_t epfd, uint64_t uevents, uint64_t max, uint64_t deadline) {
  FileRef ep = fd_table().get(int64_t(epfd));
  if (!ep) return -kEBADF;
  if (ep->kind() != FileKind::Epoll) return -kEINVAL;
  if (int(max) <= 0 || int(max) > kMaxEpollEvents) return -kEINVAL;
  return epoll_wait_events(ep.file(), uevents, int(max), deadline);
}

uint64_t deadline_ms(uint64_t timeout) {
  int ms = int(timeout);
  if (ms < 0) return 0;
  return ms == 0 ? ~0ull : monotonic_ns() + uint64_t(ms) * 1000000;
}

}  // namespace

long sys_pipe2(uint64_t ufds, uint64_t flags, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (flags & ~uint64_t(kO_NONBLOCK | kO_CLOEXEC | kO_DIRECT)) return -kEINVAL;
  File *r, *w;
  long err = make_pipe(&r, &w);
  if (err) return err;
  r->status_flags |= flags & kO_NONBLOCK;
  w->status_flags |= flags & kO_NONBLOCK;
  bool cloexec = flags & kO_CLOEXEC;
  FdTable& t = fd_table();
  int rfd = t.install(r, 0, cloexec);
  int wfd = rfd < 0 ? rfd : t.install(w, 0, cloexec);
  if (wfd < 0) {
    if (rfd >= 0) t.close(rfd); else r->put();
    w->put();
    return -kEMFILE;
  }
  int32_t fds[2] = {rfd, wfd};
  if (!copy_to_user(ufds, fds, sizeof fds)) {
    t.close(rfd);
    t.close(wfd);
    return -kEFAULT;
  }
  return 0;
}

long sys_pipe(uint64_t ufds, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_pipe2(ufds, 0, 0, 0, 0, 0);
}

long sys_eventfd2(uint64_t initval, uint64_t flags, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (flags & ~uint64_t(kEFD_NONBLOCK | kEFD_CLOEXEC | kEFD_SEMAPHORE)) return -kEINVAL;
  return install(make_eventfd(uint32_t(initval), uint32_t(flags)), flags & kEFD_CLOEXEC);
}

long sys_eventfd(uint64_t initval, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_eventfd2(initval, 0, 0, 0, 0, 0);
}

long sys_epoll_create1(uint64_t flags, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (flags & ~uint64_t(kEPOLL_CLOEXEC)) return -kEINVAL;
  return install(make_epoll(uint32_t(flags)), flags & kEPOLL_CLOEXEC);
}

long sys_epoll_create(uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(size) <= 0) return -kEINVAL;
  return sys_epoll_create1(0, 0, 0, 0, 0, 0);
}

long sys_epoll_ctl(uint64_t epfd, uint64_t op, uint64_t fd, uint64_t uevent, uint64_t,
                   uint64_t) {
  FileRef ep = fd_table().get(int64_t(epfd));
  FileRef target = fd_table().get(int64_t(fd));
  if (!ep || !target) return -kEBADF;
  if (ep->kind() != FileKind::Epoll) return -kEINVAL;
  return epoll_control(ep.file(), int(op), int(fd), target.file(), uevent);
}

long sys_epoll_wait(uint64_t epfd, uint64_t uevents, uint64_t max, uint64_t timeout, uint64_t,
                    uint64_t) {
  return epoll_wait_common(epfd, uevents, max, deadline_ms(timeout));
}

long sys_epoll_pwait(uint64_t epfd, uint64_t uevents, uint64_t max, uint64_t timeout,
                     uint64_t umask, uint64_t size) {
  uint64_t saved;
  if (long err = begin_temporary_sigmask(umask, size, &saved)) return err;
  return end_temporary_sigmask(epoll_wait_common(epfd, uevents, max, deadline_ms(timeout)),
                               saved);
}

long sys_epoll_pwait2(uint64_t epfd, uint64_t uevents, uint64_t max, uint64_t uts,
                      uint64_t umask, uint64_t size) {
  uint64_t deadline, saved;
  if (long r = read_timeout(uts, &deadline)) return r;
  if (long err = begin_temporary_sigmask(umask, size, &saved)) return err;
  return end_temporary_sigmask(epoll_wait_common(epfd, uevents, max, deadline), saved);
}

}  // namespace kiln
