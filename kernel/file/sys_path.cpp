// System calls that name files by path: open, stat, directories, links,
// renames, permissions, times, the working directory, file systems.
#include "core/clock.h"
#include "fs/vfs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "file/file.h"
#include "proc/process.h"
#include "file/path_observer.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"
#include "file/vfs.h"
#include "mm/vm.h"

namespace kiln {
namespace {

constexpr int64_t AT_FDCWD = -100;
constexpr uint64_t AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
                   AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000, AT_EACCESS = 0x200,
                   AT_STATX_SYNC_TYPE = 0x6000;
constexpr uint32_t O_ACCMODE = 3, O_WRONLY = 1, O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400,
                   O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000, O_DSYNC = 010000,
                   O_DIRECT = 040000, O_LARGEFILE = 0100000, O_DIRECTORY = 0200000,
                   O_NOFOLLOW = 0400000, O_NOATIME = 01000000, O_CLOEXEC = 02000000,
                   O_SYNC = 04010000, O_PATH = 010000000, O_TMPFILE = 020200000;
constexpr uint32_t kOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
                                O_NONBLOCK | O_DSYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY |
                                O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH;
constexpr size_t kPathMax = 4096;

using fs::Location;

uint32_t mode_of(fs::Node* n) { return fs::node_mode(n); }
bool is_dir(fs::Node* n) { return (mode_of(n) & fs::kTypeMask) == fs::kTypeDir; }

// Resolves the parent of `upath`, leaving the last name in `last`.
long parent(int64_t dirfd, uint64_t upath, Location* dir, char* last) {
  return user_path(dirfd, upath, fs::kParent, dir, last);
}

bool dot_or_dotdot(const char* name) {
  return (name[0] == '.' && !name[1]) || (name[0] == '.' && name[1] == '.' && !name[2]);
}

long check_writable(const Location& l) { return l.node->fs->read_only() ? -EROFS : 0; }

long do_open(int64_t dirfd, uint64_t upath, uint32_t flags, uint32_t mode) {
  if (flags & ~kOpenFlags) {
    if ((flags & O_TMPFILE) == O_TMPFILE) return -EOPNOTSUPP;
    flags &= kOpenFlags;  // Linux ignores unknown flags
  }
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  char path[kPathMax];
  long n = copy_string_from_user(path, upath, sizeof path);
  if (n < 0) return n;
  if (n == 0) return -ENOENT;
  Location loc;
  long r;
  if (flags & O_CREAT) {
    if (flags & O_DIRECTORY) return -EINVAL;
    Location dir;
    char last[256];
    // A symlink in the last place is followed (unless O_EXCL or
    // O_NOFOLLOW), so a dangling one creates its target, as on Linux.
    int how = (flags & (O_EXCL | O_NOFOLLOW)) ? fs::kParent : fs::kParent | fs::kFollow;
    r = user_path(dirfd, upath, how, &dir, last);
    if (r < 0) return r;
    if (dot_or_dotdot(last)) {
      fs::location_put(dir);
      return -EISDIR;
    }
    r = vfs().step(dir, last, strlen(last), &loc);
    if (r == 0 && (flags & O_EXCL)) r = -EEXIST;
    if (r == 0 && (mode_of(loc.node) & fs::kTypeMask) == fs::kTypeSymlink) {
      // An existing symlink: follow it (unless O_NOFOLLOW) like any open.
      fs::location_put(loc);
      r = (flags & O_NOFOLLOW) ? -ELOOP : user_path(dirfd, upath, fs::kFollow, &loc);
    }
    if (r == -ENOENT) {
      r = check_writable(dir);
      fs::Node* node = nullptr;
      if (r == 0)
        r = dir.node->create(last, strlen(last), fs::kTypeRegular | (mode & 07777 & ~process().umask),
                             0, &node);
      if (r == 0) loc = Location{dir.mnt, node};
    } else if (r == 0 && is_dir(loc.node)) {
      fs::location_put(loc);
      r = -EISDIR;
    }
    fs::location_put(dir);
    if (r < 0) return r;
  } else {
    r = user_path(dirfd, upath, (flags & O_NOFOLLOW) ? 0 : fs::kFollow, &loc);
    if (r < 0) return r;
    uint32_t type = mode_of(loc.node) & fs::kTypeMask;
    if (type == fs::kTypeSymlink && !(flags & O_PATH)) r = -ELOOP;
    else if ((flags & O_DIRECTORY) && type != fs::kTypeDir) r = -ENOTDIR;
    else if (type == fs::kTypeDir && (flags & O_ACCMODE) != 0 && !(flags & O_PATH)) r = -EISDIR;
    if (r < 0) {
      fs::location_put(loc);
      return r;
    }
  }
  bool writing = (flags & O_ACCMODE) != 0 && !(flags & O_PATH);
  if (writing && (mode_of(loc.node) & fs::kTypeMask) == fs::kTypeRegular) {
    if ((r = check_writable(loc)) < 0) {
      fs::location_put(loc);
      return r;
    }
  }
  if ((flags & O_TRUNC) && writing && (mode_of(loc.node) & fs::kTypeMask) == fs::kTypeRegular) {
    if ((r = vm_set_file_size(loc.node, 0)) < 0) {
      fs::location_put(loc);
      return r;
    }
  }
  File* f;
  r = open_node(loc, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC), path, &f);
  if (r < 0) return r;
  int fd = fd_table().install(f, 0, flags & O_CLOEXEC);
  if (fd < 0) f->put();
  return fd;
}

long do_stat(int64_t dirfd, uint64_t upath, uint64_t ust, uint64_t flags) {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  Location loc;
  long r = user_path(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow, &loc,
                     nullptr, flags & AT_EMPTY_PATH);
  if (r == -EBADF && (flags & AT_EMPTY_PATH)) {
    // An empty path on a descriptor that is not a file in the tree (a pipe...).
    FileRef f = fd_table().get(int64_t(dirfd));
    if (!f) return -EBADF;
    LinuxStat st;
    if ((r = f->stat(&st)) < 0) return r;
    return copy_to_user(ust, &st, sizeof st) ? 0 : -EFAULT;
  }
  if (r < 0) return r;
  LinuxStat st;
  fill_stat(loc.node, &st);
  fs::location_put(loc);
  return copy_to_user(ust, &st, sizeof st) ? 0 : -EFAULT;
}

long do_access(int64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags) {
  if (mode & ~uint64_t(7)) return -EINVAL;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) return -EINVAL;
  Location loc;
  long r = user_path(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow, &loc,
                     nullptr, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
  // Root may read and write anything; it may execute what has an x bit.
  uint32_t m = mode_of(loc.node);
  if ((mode & 2) && check_writable(loc) < 0) r = -EROFS;
  else if ((mode & 1) && !is_dir(loc.node) && !(m & 0111)) r = -EACCES;
  fs::location_put(loc);
  return r;
}

long do_mknod(int64_t dirfd, uint64_t upath, uint32_t mode, uint64_t rdev) {
  Location dir;
  char last[256];
  long r = parent(dirfd, upath, &dir, last);
  if (r < 0) return r;
  if (dot_or_dotdot(last)) r = -EEXIST;
  if (r == 0) r = check_writable(dir);
  if (r == 0) r = dir.node->create(last, strlen(last), mode, rdev, nullptr);
  fs::location_put(dir);
  return r;
}

long do_unlink(int64_t dirfd, uint64_t upath, bool rmdir) {
  Location dir;
  char last[256];
  long r = parent(dirfd, upath, &dir, last);
  if (r < 0) return r;
  if (rmdir && last[0] == '.' && !last[1]) r = -EINVAL;
  else if (rmdir && dot_or_dotdot(last)) r = -ENOTEMPTY;
  else if (!rmdir && dot_or_dotdot(last)) r = -EISDIR;
  if (r == 0) {
    // A mount point cannot go.
    Location child;
    if (vfs().step(dir, last, strlen(last), &child) == 0) {
      if (child.mnt != dir.mnt) r = -EBUSY;
      fs::location_put(child);
    }
  }
  if (r == 0) r = check_writable(dir);
  if (r == 0) r = dir.node->remove(last, strlen(last), rmdir);
  fs::location_put(dir);
  if (r == 0 && !rmdir) {
    // A unix socket bound to this path stops answering to it.
    char path[kPathMax];
    if (copy_string_from_user(path, upath, sizeof path) > 0)
      for (const PathObserver& o : path_observers_set()) o.unlinked(path);
  }
  return r;
}

long do_rename(int64_t olddirfd, uint64_t uold, int64_t newdirfd, uint64_t unew, uint64_t flags) {
  constexpr uint64_t RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
  if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & ~RENAME_NOREPLACE) return -EINVAL;
  Location from, to;
  char from_name[256], to_name[256];
  long r = parent(olddirfd, uold, &from, from_name);
  if (r < 0) return r;
  r = parent(newdirfd, unew, &to, to_name);
  if (r < 0) {
    fs::location_put(from);
    return r;
  }
  if (dot_or_dotdot(from_name) || dot_or_dotdot(to_name)) r = -EBUSY;
  else if (from.mnt != to.mnt) r = -EXDEV;
  if (r == 0 && (flags & RENAME_NOREPLACE)) {
    Location existing;
    if (vfs().step(to, to_name, strlen(to_name), &existing) == 0) {
      fs::location_put(existing);
      r = -EEXIST;
    }
  }
  if (r == 0) r = check_writable(from);
  if (r == 0)
    r = from.node->rename(from_name, strlen(from_name), to.node, to_name, strlen(to_name));
  fs::location_put(from);
  fs::location_put(to);
  return r;
}

long do_link(int64_t olddirfd, uint64_t uold, int64_t newdirfd, uint64_t unew, uint64_t flags) {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  Location target, dir;
  long r = user_path(olddirfd, uold, (flags & AT_SYMLINK_FOLLOW) ? fs::kFollow : 0, &target,
                     nullptr, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
  char last[256];
  r = parent(newdirfd, unew, &dir, last);
  if (r == 0) {
    // Linux's order: a taken name first, then the mount, then the type.
    Location existing;
    if (dot_or_dotdot(last)) {
      r = -EEXIST;
    } else if (vfs().step(dir, last, strlen(last), &existing) == 0) {
      fs::location_put(existing);
      r = -EEXIST;
    } else if (target.mnt != dir.mnt) {
      r = -EXDEV;
    } else if (is_dir(target.node)) {
      r = -EPERM;
    }
    if (r == 0) r = check_writable(dir);
    if (r == 0) r = dir.node->link(last, strlen(last), target.node);
    fs::location_put(dir);
  }
  fs::location_put(target);
  return r;
}

long do_readlink(int64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t size) {
  if (int64_t(size) <= 0) return -EINVAL;
  Location loc;
  long r = user_path(dirfd, upath, 0, &loc, nullptr, true);
  if (r < 0) return r;
  char target[kPathMax];
  r = loc.node->readlink(target, sizeof target);
  fs::location_put(loc);
  if (r < 0) return r;
  size_t n = size_t(r) < size ? size_t(r) : size_t(size);
  return copy_to_user(ubuf, target, n) ? long(n) : -EFAULT;
}

// F_SEAL_EXEC: the execute bits stay as they are.
long exec_sealed(fs::Node* n, const fs::Attr& a, uint32_t which) {
  uint32_t* seals = n->seals();
  if (!seals || !(*seals & F_SEAL_EXEC) || !(which & fs::kSetMode)) return 0;
  return ((mode_of(n) ^ a.mode) & 0111) ? -EPERM : 0;
}

long set_attr(int64_t dirfd, uint64_t upath, bool follow, bool empty_ok, const fs::Attr& a,
              uint32_t which) {
  Location loc;
  long r = user_path(dirfd, upath, follow ? fs::kFollow : 0, &loc, nullptr, empty_ok);
  if (r < 0) return r;
  r = check_writable(loc);
  if (r == 0) r = exec_sealed(loc.node, a, which);
  if (r == 0) r = loc.node->setattr(a, which);
  fs::location_put(loc);
  return r;
}

long attr_of_fd(uint64_t fd, const fs::Attr& a, uint32_t which) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if (!f->node()) return which == fs::kSetMode ? 0 : -EINVAL;  // pipes, sockets
  if (f->node()->fs->read_only()) return -EROFS;
  if (long r = exec_sealed(f->node(), a, which)) return r;
  return f->node()->setattr(a, which);
}

long do_chown(int64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid, bool follow,
              bool empty_ok) {
  fs::Attr a;
  uint32_t which = 0;
  if (uint32_t(uid) != ~0u) a.uid = uint32_t(uid), which |= fs::kSetUid;
  if (uint32_t(gid) != ~0u) a.gid = uint32_t(gid), which |= fs::kSetGid;
  return set_attr(dirfd, upath, follow, empty_ok, a, which);
}

long to_statfs(fs::FileSystem* f, uint64_t ubuf) {
  fs::StatFs s;
  long r = f->statfs(&s);
  if (r < 0) return r;
  struct {
    int64_t type, bsize;
    uint64_t blocks, bfree, bavail, files, ffree;
    int32_t fsid[2];
    int64_t namelen, frsize, flags, spare[4];
  } out = {int64_t(s.type), int64_t(s.block_size), s.blocks, s.blocks_free, s.blocks_avail,
           s.files, s.files_free, {0, 0}, int64_t(s.name_max), int64_t(s.block_size),
           s.read_only ? 1 : 0, {}};
  static_assert(sizeof(out) == 120);
  return copy_to_user(ubuf, &out, sizeof out) ? 0 : -EFAULT;
}

// utimensat's special values.
constexpr int64_t UTIME_NOW = (1l << 30) - 1, UTIME_OMIT = (1l << 30) - 2;

}  // namespace

long sys_open(uint64_t upath, uint64_t flags, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  return do_open(AT_FDCWD, upath, uint32_t(flags), uint32_t(mode));
}
long sys_openat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode, uint64_t,
                uint64_t) {
  return do_open(int64_t(dirfd), upath, uint32_t(flags), uint32_t(mode));
}
long sys_creat(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_open(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, uint32_t(mode));
}

long sys_stat(uint64_t upath, uint64_t ust, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_stat(AT_FDCWD, upath, ust, 0);
}
long sys_lstat(uint64_t upath, uint64_t ust, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_stat(AT_FDCWD, upath, ust, AT_SYMLINK_NOFOLLOW);
}
long sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ust, uint64_t flags, uint64_t,
                    uint64_t) {
  return do_stat(int64_t(dirfd), upath, ust, flags);
}

long sys_statx(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mask, uint64_t ubuf,
               uint64_t) {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
    return -EINVAL;
  if (mask & 0x80000000u) return -EINVAL;  // STATX__RESERVED
  Location loc;
  LinuxStat st;
  long r = user_path(int64_t(dirfd), upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow,
                     &loc, nullptr, flags & AT_EMPTY_PATH);
  if (r == -EBADF && (flags & AT_EMPTY_PATH)) {
    FileRef f = fd_table().get(int64_t(dirfd));
    if (!f) return -EBADF;
    if ((r = f->stat(&st)) < 0) return r;
  } else if (r < 0) {
    return r;
  } else {
    fill_stat(loc.node, &st);
    fs::location_put(loc);
  }
  struct Ts {
    int64_t sec;
    uint32_t nsec, pad;
  };
  struct {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad1;
    uint64_t ino, size, blocks, attributes_mask;
    Ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
  } x = {};
  static_assert(sizeof(x) == 256);
  x.mask = 0x7ff;  // STATX_BASIC_STATS
  x.blksize = uint32_t(st.blksize);
  x.nlink = uint32_t(st.nlink);
  x.uid = st.uid;
  x.gid = st.gid;
  x.mode = uint16_t(st.mode);
  x.ino = st.ino;
  x.size = uint64_t(st.size);
  x.blocks = uint64_t(st.blocks);
  x.atime = Ts{st.atime, uint32_t(st.atime_ns), 0};
  x.mtime = Ts{st.mtime, uint32_t(st.mtime_ns), 0};
  x.ctime = Ts{st.ctime, uint32_t(st.ctime_ns), 0};
  x.rdev_major = uint32_t(st.rdev >> 8);
  x.rdev_minor = uint32_t(st.rdev & 0xff);
  x.dev_major = uint32_t(st.dev >> 8);
  x.dev_minor = uint32_t(st.dev & 0xff);
  return copy_to_user(ubuf, &x, sizeof x) ? 0 : -EFAULT;
}

long sys_access(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_access(AT_FDCWD, upath, mode, 0);
}
long sys_faccessat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  return do_access(int64_t(dirfd), upath, mode, 0);
}
long sys_faccessat2(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags, uint64_t,
                    uint64_t) {
  return do_access(int64_t(dirfd), upath, mode, flags);
}

long sys_mkdirat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  return do_mknod(int64_t(dirfd), upath, fs::kTypeDir | (uint32_t(mode) & 07777 & ~process().umask), 0);
}
long sys_mkdir(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_mkdirat(uint64_t(AT_FDCWD), upath, mode, 0, 0, 0);
}
long sys_mknodat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t dev, uint64_t, uint64_t) {
  uint32_t type = uint32_t(mode) & fs::kTypeMask;
  if (type == 0) type = fs::kTypeRegular;
  if (type == fs::kTypeDir) return -EINVAL;
  return do_mknod(int64_t(dirfd), upath, type | (uint32_t(mode) & 07777 & ~process().umask), dev);
}
long sys_mknod(uint64_t upath, uint64_t mode, uint64_t dev, uint64_t, uint64_t, uint64_t) {
  return sys_mknodat(uint64_t(AT_FDCWD), upath, mode, dev, 0, 0);
}

long sys_rmdir(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_unlink(AT_FDCWD, upath, true);
}
long sys_unlink(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_unlink(AT_FDCWD, upath, false);
}
long sys_unlinkat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return do_unlink(int64_t(dirfd), upath, flags & AT_REMOVEDIR);
}

long sys_rename(uint64_t uold, uint64_t unew, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_rename(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}
long sys_renameat(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t, uint64_t) {
  return do_rename(int64_t(od), uold, int64_t(nd), unew, 0);
}
long sys_renameat2(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t flags,
                   uint64_t) {
  return do_rename(int64_t(od), uold, int64_t(nd), unew, flags);
}

long sys_link(uint64_t uold, uint64_t unew, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_link(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}
long sys_linkat(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t flags,
                uint64_t) {
  return do_link(int64_t(od), uold, int64_t(nd), unew, flags);
}

long sys_symlinkat(uint64_t utarget, uint64_t dirfd, uint64_t upath, uint64_t, uint64_t,
                   uint64_t) {
  char target[kPathMax];
  long n = copy_string_from_user(target, utarget, sizeof target);
  if (n < 0) return n;
  if (n == 0) return -ENOENT;
  Location dir;
  char last[256];
  long r = parent(int64_t(dirfd), upath, &dir, last);
  if (r < 0) return r;
  if (dot_or_dotdot(last)) r = -EEXIST;
  if (r == 0) r = check_writable(dir);
  if (r == 0) r = dir.node->symlink(last, strlen(last), target, size_t(n));
  fs::location_put(dir);
  return r;
}
long sys_symlink(uint64_t utarget, uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_symlinkat(utarget, uint64_t(AT_FDCWD), upath, 0, 0, 0);
}

long sys_readlink(uint64_t upath, uint64_t buf, uint64_t size, uint64_t, uint64_t, uint64_t) {
  return do_readlink(AT_FDCWD, upath, buf, size);
}
long sys_readlinkat(uint64_t dirfd, uint64_t upath, uint64_t buf, uint64_t size, uint64_t,
                    uint64_t) {
  return do_readlink(int64_t(dirfd), upath, buf, size);
}

long sys_chdir(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Location loc;
  long r = user_path(AT_FDCWD, upath, fs::kFollow | fs::kMustDir, &loc);
  if (r < 0) return r;
  fs::location_put(cwd());
  cwd() = loc;
  return 0;
}

// Linux's order: the lookup's errors first, then the privilege (root,
// standing in for CAP_SYS_CHROOT). The working directory stays where it
// is, possibly outside the new root, as on Linux.
long sys_chroot(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Location loc;
  long r = user_path(AT_FDCWD, upath, fs::kFollow | fs::kMustDir, &loc);
  if (r < 0) return r;
  if (process().cred.euid != 0) {
    fs::location_put(loc);
    return -EPERM;
  }
  fs::location_put(process().root);
  process().root = loc;
  return 0;
}

long sys_fchdir(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  Location loc;
  if (!file_location(f.file(), &loc)) return -ENOTDIR;
  if (!is_dir(loc.node)) {
    fs::location_put(loc);
    return -ENOTDIR;
  }
  fs::location_put(cwd());
  cwd() = loc;
  return 0;
}

// The working directory's path, found by walking ".." and looking for
// each directory's name in its parent.
long sys_getcwd(uint64_t ubuf, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  char path[kPathMax];
  long len = location_path(cwd(), path, sizeof path);
  if (len < 0) return len;
  if (size_t(len) + 1 > size) return -ERANGE;
  return copy_to_user(ubuf, path, size_t(len) + 1) ? len + 1 : -EFAULT;
}

long sys_truncate(uint64_t upath, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int64_t(size) < 0) return -EINVAL;
  Location loc;
  long r = user_path(AT_FDCWD, upath, fs::kFollow, &loc);
  if (r < 0) return r;
  if (is_dir(loc.node)) r = -EISDIR;
  if (r == 0) r = check_writable(loc);
  if (r == 0) r = vm_set_file_size(loc.node, size);
  fs::location_put(loc);
  return r;
}

long sys_fchmodat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  fs::Attr a;
  a.mode = uint32_t(mode) & 07777;
  return set_attr(int64_t(dirfd), upath, true, false, a, fs::kSetMode);
}
long sys_chmod(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_fchmodat(uint64_t(AT_FDCWD), upath, mode, 0, 0, 0);
}
long sys_fchmod(uint64_t fd, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  fs::Attr a;
  a.mode = uint32_t(mode) & 07777;
  return attr_of_fd(fd, a, fs::kSetMode);
}

long sys_fchownat(uint64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid, uint64_t flags,
                  uint64_t) {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return do_chown(int64_t(dirfd), upath, uid, gid, !(flags & AT_SYMLINK_NOFOLLOW),
                  flags & AT_EMPTY_PATH);
}
long sys_chown(uint64_t upath, uint64_t uid, uint64_t gid, uint64_t, uint64_t, uint64_t) {
  return do_chown(AT_FDCWD, upath, uid, gid, true, false);
}
long sys_lchown(uint64_t upath, uint64_t uid, uint64_t gid, uint64_t, uint64_t, uint64_t) {
  return do_chown(AT_FDCWD, upath, uid, gid, false, false);
}
long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid, uint64_t, uint64_t, uint64_t) {
  fs::Attr a;
  uint32_t which = 0;
  if (uint32_t(uid) != ~0u) a.uid = uint32_t(uid), which |= fs::kSetUid;
  if (uint32_t(gid) != ~0u) a.gid = uint32_t(gid), which |= fs::kSetGid;
  return attr_of_fd(fd, a, which);
}

long sys_utimensat(uint64_t dirfd, uint64_t upath, uint64_t utimes, uint64_t flags, uint64_t,
                   uint64_t) {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  int64_t ts[4] = {0, UTIME_NOW, 0, UTIME_NOW};
  if (utimes && !copy_from_user(ts, utimes, sizeof ts)) return -EFAULT;
  int64_t now = realtime_ns();
  fs::Attr a;
  uint32_t which = 0;
  for (int i = 0; i < 2; i++) {
    int64_t nsec = ts[2 * i + 1];
    if (nsec == UTIME_OMIT) continue;
    if (nsec != UTIME_NOW && (nsec < 0 || nsec >= 1000000000)) return -EINVAL;
    fs::Time t = nsec == UTIME_NOW ? fs::Time{now / 1000000000, now % 1000000000}
                                   : fs::Time{ts[2 * i], nsec};
    (i == 0 ? a.atime : a.mtime) = t;
    which |= i == 0 ? fs::kSetAtime : fs::kSetMtime;
  }
  if (!upath) return attr_of_fd(dirfd, a, which);  // futimens
  return set_attr(int64_t(dirfd), upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
                  a, which);
}

long sys_statfs(uint64_t upath, uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t) {
  Location loc;
  long r = user_path(AT_FDCWD, upath, fs::kFollow, &loc);
  if (r < 0) return r;
  r = to_statfs(loc.node->fs, ubuf);
  fs::location_put(loc);
  return r;
}
long sys_fstatfs(uint64_t fd, uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if (!f->node()) return -ENOSYS;  // pipefs/sockfs statistics are not kept
  return to_statfs(f->node()->fs, ubuf);
}

long sys_sync(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  // sync(2) reports nothing; a volume that cannot be written says so at exit.
  (void)vm_files_write_back(nullptr);
  (void)vfs().sync_all();
  return 0;
}
long sys_syncfs(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -EBADF;
  if (!f->node()) return 0;
  long r = vm_files_write_back(f->node()->fs);
  return r < 0 ? r : f->node()->fs->sync();
}

}  // namespace kiln
