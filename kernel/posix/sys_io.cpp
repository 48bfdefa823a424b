// Descriptor I/O. Until the VFS arrives the only files are the console
// and what /proc/self/exe names; paths otherwise do not exist (ENOENT).
#include "lib/mem.h"
#include "posix/errno.h"
#include "posix/file.h"
#include "posix/process.h"
#include "posix/socket.h"
#include "posix/syscall_table.h"
#include "posix/uaccess.h"

namespace kiln {
namespace {

constexpr int64_t AT_FDCWD = -100;
constexpr uint64_t AT_EMPTY_PATH = 0x1000;
constexpr int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
              F_DUPFD_CLOEXEC = 1030;
constexpr uint32_t O_CLOEXEC = 02000000, O_APPEND = 02000, O_NONBLOCK = 04000;
constexpr size_t kMaxIov = 1024;

struct Iovec {
  uint64_t base, len;
};

bool is_proc_self_exe(const char* path) {
  return strcmp(path, "/proc/self/exe") == 0 || strcmp(path, "/proc/1/exe") == 0;
}

long do_readlink(uint64_t upath, uint64_t buf, uint64_t size) {
  char path[256];
  long n = copy_string_from_user(path, upath, sizeof path);
  if (n < 0) return n;
  if (int64_t(size) <= 0) return -EINVAL;
  if (!is_proc_self_exe(path)) return -ENOENT;
  size_t len = strlen(process().exe_path);
  if (len > size) len = size;
  return copy_to_user(buf, process().exe_path, len) ? long(len) : -EFAULT;
}

template <bool Write>
long do_iov(uint64_t fd, uint64_t iov, uint64_t count) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if (count > kMaxIov) return -EINVAL;
  long total = 0;
  for (uint64_t i = 0; i < count; i++) {
    Iovec v;
    if (!get_user(&v, iov + i * sizeof v)) return total ? total : -EFAULT;
    if (!v.len) continue;
    long r = Write ? f->write(v.base, v.len) : f->read(v.base, v.len);
    if (r < 0) return total ? total : r;
    total += r;
    if (uint64_t(r) < v.len) break;
  }
  return total;
}

long path_lookup_stat(uint64_t upath) {
  char path[4096];
  long n = copy_string_from_user(path, upath, sizeof path);
  if (n < 0) return n;
  return -ENOENT;
}

}  // namespace

long sys_read(uint64_t fd, uint64_t buf, uint64_t n, uint64_t, uint64_t, uint64_t) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if ((f->status_flags & 3) == 1) return -EBADF;  // O_WRONLY
  return f->read(buf, n);
}

long sys_write(uint64_t fd, uint64_t buf, uint64_t n, uint64_t, uint64_t, uint64_t) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if ((f->status_flags & 3) == 0) return -EBADF;  // O_RDONLY
  return f->write(buf, n);
}

long sys_readv(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t, uint64_t, uint64_t) {
  return do_iov<false>(fd, iov, cnt);
}
long sys_writev(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t, uint64_t, uint64_t) {
  return do_iov<true>(fd, iov, cnt);
}

long sys_pread64(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return fd_table().get(int64_t(fd)) ? -ESPIPE : -EBADF;
}
long sys_pwrite64(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return fd_table().get(int64_t(fd)) ? -ESPIPE : -EBADF;
}

long sys_lseek(uint64_t fd, uint64_t off, uint64_t whence, uint64_t, uint64_t, uint64_t) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if (whence > 4) return -EINVAL;
  return f->seek(int64_t(off), int(whence));
}

long sys_close(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return fd_table().close(int64_t(fd));
}

long sys_fstat(uint64_t fd, uint64_t ust, uint64_t, uint64_t, uint64_t, uint64_t) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  LinuxStat st;
  long r = f->stat(&st);
  if (r < 0) return r;
  return copy_to_user(ust, &st, sizeof st) ? 0 : -EFAULT;
}

long sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ust, uint64_t flags, uint64_t,
                    uint64_t) {
  char first;
  if (!get_user(&first, upath)) return -EFAULT;
  if (first == 0 && (flags & AT_EMPTY_PATH)) return sys_fstat(dirfd, ust, 0, 0, 0, 0);
  if (int64_t(dirfd) != AT_FDCWD && first != '/' && !fd_table().get(int64_t(dirfd)))
    return -EBADF;
  return path_lookup_stat(upath);
}

long sys_stat(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}
long sys_lstat(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}
long sys_statx(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  char first;
  if (!get_user(&first, upath)) return -EFAULT;
  if (first == 0 && (flags & AT_EMPTY_PATH)) {
    // glibc falls back to fstat when statx is missing; that is not a lie.
    return fd_table().get(int64_t(dirfd)) ? -ENOSYS : -EBADF;
  }
  return path_lookup_stat(upath);
}

long sys_open(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}
long sys_openat(uint64_t, uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}
long sys_access(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}
long sys_faccessat(uint64_t, uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}
long sys_faccessat2(uint64_t, uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t) {
  return path_lookup_stat(upath);
}

// Until the VFS arrives, the only names that can be unlinked are unix sockets'.
long sys_unlinkat(uint64_t, uint64_t upath, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  if (flags & ~uint64_t(0x200)) return -EINVAL;  // AT_REMOVEDIR
  char path[4096];
  long n = copy_string_from_user(path, upath, sizeof path);
  if (n < 0) return n;
  return !(flags & 0x200) && unix_unlink_path(path) ? 0 : -ENOENT;
}

long sys_unlink(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_unlinkat(uint64_t(AT_FDCWD), upath, 0, 0, 0, 0);
}

long sys_getcwd(uint64_t buf, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (size < 2) return -ERANGE;
  return copy_to_user(buf, "/", 2) ? 2 : -EFAULT;
}

long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  constexpr uint64_t FIONBIO = 0x5421, FIOCLEX = 0x5451, FIONCLEX = 0x5450;
  if (cmd == FIONBIO) {
    int32_t on;
    if (!get_user(&on, arg)) return -EFAULT;
    f->status_flags = on ? f->status_flags | O_NONBLOCK : f->status_flags & ~O_NONBLOCK;
    return 0;
  }
  if (cmd == FIOCLEX || cmd == FIONCLEX) {
    fd_table().cloexec[fd] = cmd == FIOCLEX;
    return 0;
  }
  return f->ioctl(cmd, arg);
}

long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t) {
  FdTable& t = fd_table();
  File* f = t.get(int64_t(fd));
  if (!f) return -EBADF;
  switch (int(cmd)) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      if (int64_t(arg) < 0 || int64_t(arg) >= FdTable::kMax) return -EINVAL;
      int nfd = t.install(f, int(arg), cmd == F_DUPFD_CLOEXEC);
      if (nfd >= 0) f->refs++;
      return nfd;
    }
    case F_GETFD:
      return t.cloexec[fd] ? 1 : 0;
    case F_SETFD:
      t.cloexec[fd] = arg & 1;
      return 0;
    case F_GETFL:
      return f->status_flags;
    case F_SETFL:
      f->status_flags = (f->status_flags & ~(O_APPEND | O_NONBLOCK)) |
                        (uint32_t(arg) & (O_APPEND | O_NONBLOCK));
      return 0;
    default:
      return -EINVAL;
  }
}

long sys_dup(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  File* f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  int nfd = fd_table().install(f);
  if (nfd >= 0) f->refs++;
  return nfd;
}

long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  FdTable& t = fd_table();
  File* f = t.get(int64_t(oldfd));
  if (!f) return -EBADF;
  if (flags & ~uint64_t(O_CLOEXEC)) return -EINVAL;
  if (oldfd == newfd) return -EINVAL;
  if (newfd >= uint64_t(FdTable::kMax)) return -EBADF;
  f->refs++;
  if (t.files[newfd]) t.close(int64_t(newfd));
  t.files[newfd] = f;
  t.cloexec[newfd] = flags & O_CLOEXEC;
  return int64_t(newfd);
}

long sys_dup2(uint64_t oldfd, uint64_t newfd, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (oldfd == newfd) return fd_table().get(int64_t(oldfd)) ? int64_t(newfd) : -EBADF;
  return sys_dup3(oldfd, newfd, 0, 0, 0, 0);
}

long sys_readlink(uint64_t upath, uint64_t buf, uint64_t size, uint64_t, uint64_t, uint64_t) {
  return do_readlink(upath, buf, size);
}
long sys_readlinkat(uint64_t, uint64_t upath, uint64_t buf, uint64_t size, uint64_t, uint64_t) {
  return do_readlink(upath, buf, size);
}

}  // namespace kiln
