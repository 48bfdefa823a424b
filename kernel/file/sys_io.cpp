// I/O on descriptors: read, write and their vector and positioned forms,
// seeking, control (ioctl, fcntl), duplication, and stat of an open file.
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/ioctl.h"
#include "abi/linux/mman.h"
#include "abi/linux/stat.h"
#include "abi/linux/uio.h"
#include "file/memfd.h"
#include "fs/node.h"
#include "file/file.h"
#include "file/file_lock.h"
#include "core/heap.h"
#include "mm/vm.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

// readv/writev, and preadv/pwritev when off >= 0.
template <bool Write>
long do_iov_at(uint64_t fd, uint64_t iov, uint64_t count, int64_t off) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (count > kUIO_MAXIOV) return -kEINVAL;
  if (off < 0) {
    long r = f->vector_io(Write, iov, count);
    if (r != -kENOSYS) return r;
  }
  long total = 0;
  for (uint64_t i = 0; i < count; i++) {
    Iovec v;
    if (!get_user(&v, iov + i * sizeof v)) return total ? total : -kEFAULT;
    if (!v.len) continue;
    long r;
    if (off >= 0)
      r = Write ? f->pwrite(v.base, v.len, uint64_t(off) + uint64_t(total))
                : f->pread(v.base, v.len, uint64_t(off) + uint64_t(total));
    else
      r = Write ? f->write(v.base, v.len) : f->read(v.base, v.len);
    if (r < 0) return total ? total : r;
    total += r;
    if (uint64_t(r) < v.len) break;
  }
  return total;
}

}  // namespace

long sys_read(uint64_t fd, uint64_t buf, uint64_t n, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if ((f->status_flags & kO_ACCMODE) == kO_WRONLY) return -kEBADF;
  return f->read(buf, n);
}

long sys_write(uint64_t fd, uint64_t buf, uint64_t n, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if ((f->status_flags & kO_ACCMODE) == kO_RDONLY) return -kEBADF;
  return f->write(buf, n);
}

long sys_readv(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t, uint64_t, uint64_t) {
  return do_iov_at<false>(fd, iov, cnt, -1);
}
long sys_writev(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t, uint64_t, uint64_t) {
  return do_iov_at<true>(fd, iov, cnt, -1);
}

long sys_pread64(uint64_t fd, uint64_t buf, uint64_t n, uint64_t off, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (int64_t(off) < 0) return -kEINVAL;
  return f->pread(buf, n, off);
}

long sys_pwrite64(uint64_t fd, uint64_t buf, uint64_t n, uint64_t off, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (int64_t(off) < 0) return -kEINVAL;
  return f->pwrite(buf, n, off);
}

long sys_lseek(uint64_t fd, uint64_t off, uint64_t whence, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (whence > kSEEK_MAX) return -kEINVAL;
  return f->seek(int64_t(off), int(whence));
}

long sys_close(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return fd_table().close(int64_t(fd));
}

long sys_fstat(uint64_t fd, uint64_t ust, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  Stat st;
  long r = f->stat(&st);
  if (r < 0) return r;
  return copy_to_user(ust, &st, sizeof st) ? 0 : -kEFAULT;
}







long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (cmd == kFIONBIO) {
    int32_t on;
    if (!get_user(&on, arg)) return -kEFAULT;
    f->status_flags = on ? f->status_flags | kO_NONBLOCK : f->status_flags & ~kO_NONBLOCK;
    return 0;
  }
  if (cmd == kFIOCLEX || cmd == kFIONCLEX) {
    fd_table().cloexec[uint32_t(fd)] = cmd == kFIOCLEX;
    return 0;
  }
  return f->ioctl(cmd, arg);
}

long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t) {
  FdTable& t = fd_table();
  FileRef f = t.get(int64_t(fd));
  if (!f) return -kEBADF;
  switch (int(cmd)) {
    case kF_DUPFD:
    case kF_DUPFD_CLOEXEC: {
      if (int64_t(arg) < 0 || int64_t(arg) >= FdTable::kMax) return -kEINVAL;
      int nfd = t.install(f.file(), int(arg), cmd == kF_DUPFD_CLOEXEC);
      if (nfd >= 0) f->get();
      return nfd;
    }
    case kF_GETFD:
      return t.cloexec[uint32_t(fd)] ? kFD_CLOEXEC : 0;
    case kF_SETFD:
      t.cloexec[uint32_t(fd)] = arg & kFD_CLOEXEC;
      return 0;
    case kF_GETFL:
      return f->status_flags;
    case kF_SETFL:
      f->status_flags = (f->status_flags & ~(kO_APPEND | kO_NONBLOCK)) |
                        (uint32_t(arg) & (kO_APPEND | kO_NONBLOCK));
      return 0;
    case kF_GETLK:
    case kF_SETLK:
    case kF_SETLKW:
    case kF_OFD_GETLK:
    case kF_OFD_SETLK:
    case kF_OFD_SETLKW:
      return fcntl_lock(f.file(), &t, int(cmd), arg);
    case kF_ADD_SEALS:
    case kF_GET_SEALS:
      return file_seals(f.file(), int(cmd), arg);
    case kF_SETPIPE_SZ:
    case kF_GETPIPE_SZ:
      return 65536;  // pipes are a fixed 64 KiB
    case kF_GETOWN:
    case kF_SETOWN:
    case kF_SETSIG:
    case kF_GETSIG:
      return 0;
    default:
      return -kEINVAL;
  }
}

long sys_dup(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  int nfd = fd_table().install(f.file());
  if (nfd >= 0) f->get();
  return nfd;
}

long sys_dup3(uint64_t oldfd, uint64_t raw_newfd, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  FdTable& t = fd_table();
  uint64_t newfd = uint32_t(raw_newfd);
  FileRef f = t.get(int64_t(oldfd));
  if (!f) return -kEBADF;
  if (flags & ~uint64_t(kO_CLOEXEC)) return -kEINVAL;
  if (uint32_t(oldfd) == newfd) return -kEINVAL;
  if (newfd >= uint64_t(FdTable::kMax)) return -kEBADF;
  f->get();
  if (t.files[newfd]) t.close(int64_t(newfd));
  t.files[newfd] = f.file();
  t.cloexec[newfd] = flags & kO_CLOEXEC;
  return int64_t(newfd);
}

long sys_dup2(uint64_t oldfd, uint64_t newfd, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (uint32_t(oldfd) == uint32_t(newfd)) return fd_table().is_open(int64_t(oldfd)) ? int64_t(newfd) : -kEBADF;
  return sys_dup3(oldfd, newfd, 0, 0, 0, 0);
}


long sys_preadv(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t off, uint64_t, uint64_t) {
  if (int64_t(off) < 0) return -kEINVAL;
  return do_iov_at<false>(fd, iov, cnt, int64_t(off));
}
long sys_pwritev(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t off, uint64_t, uint64_t) {
  if (int64_t(off) < 0) return -kEINVAL;
  return do_iov_at<true>(fd, iov, cnt, int64_t(off));
}
long sys_preadv2(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t off, uint64_t, uint64_t flags) {
  if (flags) return -kEOPNOTSUPP;
  if (int64_t(off) == -1) return sys_readv(fd, iov, cnt, 0, 0, 0);
  return sys_preadv(fd, iov, cnt, off, 0, 0);
}
long sys_pwritev2(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t off, uint64_t, uint64_t flags) {
  if (flags) return -kEOPNOTSUPP;
  if (int64_t(off) == -1) return sys_writev(fd, iov, cnt, 0, 0, 0);
  return sys_pwritev(fd, iov, cnt, off, 0, 0);
}

long sys_getdents64(uint64_t fd, uint64_t buf, uint64_t n, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  return f->getdents(buf, n);
}

long sys_fsync(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  return f->sync();
}
long sys_fdatasync(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_fsync(fd, 0, 0, 0, 0, 0);
}

long sys_ftruncate(uint64_t fd, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (int64_t(size) < 0) return -kEINVAL;
  return f->truncate(size);
}

// Advice only: kiln reads ahead and drops nothing on its own, so there is
// nothing to tune, and Linux too may ignore any advice. What is checked is
// what Linux checks: the descriptor, a pipe (ESPIPE), a negative length
// and an unknown advice (EINVAL).
long sys_fadvise64(uint64_t fd, uint64_t, uint64_t len, uint64_t advice, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  Stat st;
  if (long r = f->stat(&st)) return r;
  if ((st.mode & kS_IFMT) == kS_IFIFO) return -kESPIPE;
  if (int64_t(len) < 0) return -kEINVAL;
  return advice <= uint64_t(kPOSIX_FADV_NOREUSE) ? 0 : -kEINVAL;
}

long sys_fallocate(uint64_t fd, uint64_t mode, uint64_t off, uint64_t len, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (int64_t(off) < 0 || int64_t(len) <= 0) return -kEINVAL;
  if (mode & ~uint64_t(kFALLOC_FL_KEEP_SIZE)) return -kEOPNOTSUPP;
  Stat st;
  if (long r = f->stat(&st)) return r;
  if ((st.mode & kS_IFMT) != kS_IFREG) return (st.mode & kS_IFMT) == kS_IFDIR ? -kEISDIR : -kENODEV;
  // F_SEAL_GROW refuses any range past the end, even with KEEP_SIZE, as Linux's tmpfs.
  if (uint32_t* seals = f->node() ? f->node()->seals() : nullptr;
      seals && (*seals & kF_SEAL_GROW) && off + len > uint64_t(st.size))
    return -kEPERM;
  // Blocks are allocated when written; growing the size is what programs observe.
  if (!(mode & kFALLOC_FL_KEEP_SIZE) && off + len > uint64_t(st.size))
    return f->truncate(off + len);
  return 0;
}

long sys_close_range(uint64_t first, uint64_t last, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  if (flags & ~kCLOSE_RANGE_CLOEXEC || first > last) return -kEINVAL;
  FdTable& t = fd_table();
  for (uint64_t fd = first; fd <= last && fd < uint64_t(FdTable::kMax); fd++) {
    if (!t.files[fd]) continue;
    if (flags & kCLOSE_RANGE_CLOEXEC)
      t.cloexec[fd] = true;
    else
      t.close(int64_t(fd));
  }
  return 0;
}

long sys_flock(uint64_t fd, uint64_t op, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  return flock_file(f.file(), op);
}

// Moves bytes between descriptors through a scratch mapping in the
// program's address space, so every kind of file works with its ordinary
// read/write (sendfile, copy_file_range).
static long copy_between(File* in, File* out, uint64_t uin_off, uint64_t uout_off,
                         uint64_t count) {
  int64_t in_off = 0, out_off = 0;
  if (uin_off && !get_user(&in_off, uin_off)) return -kEFAULT;
  if (uout_off && !get_user(&out_off, uout_off)) return -kEFAULT;
  if (in_off < 0 || out_off < 0) return -kEINVAL;
  if (!count) return 0;
  constexpr size_t kChunk = 65536;
  long scratch = sys_mmap(0, kChunk, kPROT_READ | kPROT_WRITE, kMAP_PRIVATE | kMAP_ANONYMOUS,
                          uint64_t(-1), 0);
  if (scratch < 0) return scratch;
  long done = 0, err = 0;
  while (uint64_t(done) < count) {
    size_t chunk = count - uint64_t(done) < kChunk ? size_t(count - uint64_t(done)) : kChunk;
    long r = uin_off ? in->pread(uint64_t(scratch), chunk, uint64_t(in_off))
                     : in->read(uint64_t(scratch), chunk);
    if (r <= 0) {
      err = r;
      break;
    }
    long w = uout_off ? out->pwrite(uint64_t(scratch), size_t(r), uint64_t(out_off))
                      : out->write(uint64_t(scratch), size_t(r));
    if (w < 0) {
      err = w;
      break;
    }
    done += w;
    in_off += w;
    out_off += w;
    if (w < r) break;
  }
  (void)sys_munmap(uint64_t(scratch), kChunk);  // this call's own mapping: cannot fail
  if (uin_off && !put_user(uin_off, in_off)) return -kEFAULT;
  if (uout_off && !put_user(uout_off, out_off)) return -kEFAULT;
  return done ? done : err;
}

namespace {
uint32_t type_of(File* f) {
  Stat st;
  return f->stat(&st) < 0 ? 0 : st.mode & kS_IFMT;
}
}  // namespace

// Linux's rules: the input is a regular file (or block device) read at
// *offset or its position, the output anything writable but O_APPEND.
long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t uoff, uint64_t count, uint64_t,
                  uint64_t) {
  FileRef in = fd_table().get(int64_t(in_fd));
  FileRef out = fd_table().get(int64_t(out_fd));
  if (!in || !out) return -kEBADF;
  if ((in->status_flags & kO_ACCMODE) == kO_WRONLY || (out->status_flags & kO_ACCMODE) == kO_RDONLY)
    return -kEBADF;
  uint32_t type = type_of(in.file());
  bool seekable = type == kS_IFREG || type == kS_IFDIR || type == kS_IFBLK;
  if (uoff && !seekable) return -kESPIPE;
  if (out->status_flags & kO_APPEND) return -kEINVAL;
  if (type != kS_IFREG && type != kS_IFBLK) return -kEINVAL;
  return copy_between(in.file(), out.file(), uoff, 0, count);
}

// Between regular files of one file system (EXDEV otherwise, as Linux's
// tmpfs and ext2, which have no copy_file_range of their own), never
// between overlapping ranges of one file.
long sys_copy_file_range(uint64_t in_fd, uint64_t uin_off, uint64_t out_fd, uint64_t uout_off,
                         uint64_t count, uint64_t flags) {
  if (flags) return -kEINVAL;
  FileRef in = fd_table().get(int64_t(in_fd));
  FileRef out = fd_table().get(int64_t(out_fd));
  if (!in || !out) return -kEBADF;
  uint32_t tin = type_of(in.file()), tout = type_of(out.file());
  if (tin == kS_IFDIR || tout == kS_IFDIR) return -kEISDIR;
  if (tin != kS_IFREG || tout != kS_IFREG || !in->node() || !out->node()) return -kEINVAL;
  if ((in->status_flags & kO_ACCMODE) == kO_WRONLY || (out->status_flags & kO_ACCMODE) == kO_RDONLY ||
      (out->status_flags & kO_APPEND))
    return -kEBADF;
  if (in->node()->fs != out->node()->fs) return -kEXDEV;
  int64_t pin = 0, pout = 0;
  if (uin_off && !get_user(&pin, uin_off)) return -kEFAULT;
  if (uout_off && !get_user(&pout, uout_off)) return -kEFAULT;
  if (pin < 0 || pout < 0) return -kEOVERFLOW;
  if (in->node() == out->node()) {
    // The ranges as Linux compares them: the input's clamped at its end.
    if (!uin_off) pin = in->seek(0, kSEEK_CUR);
    if (!uout_off) pout = out->seek(0, kSEEK_CUR);
    Stat st;
    if (long r = in->stat(&st)) return r;
    uint64_t n = pin >= st.size ? 0 : count < uint64_t(st.size - pin) ? count : uint64_t(st.size - pin);
    if (n && uint64_t(pin) + n > uint64_t(pout) && uint64_t(pout) + n > uint64_t(pin)) return -kEINVAL;
  }
  return copy_between(in.file(), out.file(), uin_off, uout_off, count);
}

}  // namespace kiln
