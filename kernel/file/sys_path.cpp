// System calls that name files by path: open, stat, directories, links,
// renames, permissions, times, the working directory, file systems.
#include "core/clock.h"
#include "fs/vfs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/limits.h"
#include "abi/linux/stat.h"
#include "abi/linux/statfs.h"
#include "abi/linux/time.h"
#include "file/file.h"
#include "proc/process.h"
#include "file/path_observer.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"
#include "file/vfs.h"
#include "mm/vm.h"

namespace kiln {
namespace {

constexpr uint32_t kOpenFlags = kO_ACCMODE | kO_CREAT | kO_EXCL | kO_NOCTTY | kO_TRUNC | kO_APPEND |
                                kO_NONBLOCK | kO_DSYNC | kO_DIRECT | kO_LARGEFILE | kO_DIRECTORY |
                                kO_NOFOLLOW | kO_NOATIME | kO_CLOEXEC | kO_SYNC | kO_PATH;

using fs::Location;

uint32_t mode_of(fs::Node* n) { return fs::node_mode(n); }
bool is_dir(fs::Node* n) { return (mode_of(n) & kS_IFMT) == kS_IFDIR; }

// Resolves the parent of `upath`, leaving the last name in `last`.
long parent(int64_t dirfd, uint64_t upath, Location* dir, char* last) {
  return user_path(dirfd, upath, fs::kParent, dir, last);
}

bool dot_or_dotdot(const char* name) {
  return (name[0] == '.' && !name[1]) || (name[0] == '.' && name[1] == '.' && !name[2]);
}

long check_writable(const Location& l) { return l.node->fs->read_only() ? -kEROFS : 0; }

long do_open(int64_t dirfd, uint64_t upath, uint32_t flags, uint32_t mode) {
  if (flags & ~kOpenFlags) {
    if ((flags & kO_TMPFILE) == kO_TMPFILE) return -kEOPNOTSUPP;
    flags &= kOpenFlags;  // Linux ignores unknown flags
  }
  if (flags & kO_PATH) flags &= kO_PATH | kO_DIRECTORY | kO_NOFOLLOW | kO_CLOEXEC;
  char path[kPATH_MAX];
  long n = copy_string_from_user(path, upath, sizeof path);
  if (n < 0) return n;
  if (n == 0) return -kENOENT;
  Location loc;
  long r;
  if (flags & kO_CREAT) {
    if (flags & kO_DIRECTORY) return -kEINVAL;
    Location dir;
    char last[256];
    // A symlink in the last place is followed (unless O_EXCL or
    // O_NOFOLLOW), so a dangling one creates its target, as on Linux.
    int how = (flags & (kO_EXCL | kO_NOFOLLOW)) ? fs::kParent : fs::kParent | fs::kFollow;
    r = user_path(dirfd, upath, how, &dir, last);
    if (r < 0) return r;
    if (dot_or_dotdot(last)) {
      fs::location_put(dir);
      return -kEISDIR;
    }
    r = vfs().step(dir, last, strlen(last), &loc);
    if (r == 0 && (flags & kO_EXCL)) r = -kEEXIST;
    if (r == 0 && (mode_of(loc.node) & kS_IFMT) == kS_IFLNK) {
      // An existing symlink: follow it (unless O_NOFOLLOW) like any open.
      fs::location_put(loc);
      r = (flags & kO_NOFOLLOW) ? -kELOOP : user_path(dirfd, upath, fs::kFollow, &loc);
    }
    if (r == -kENOENT) {
      r = check_writable(dir);
      fs::Node* node = nullptr;
      if (r == 0)
        r = dir.node->create(last, strlen(last), kS_IFREG | (mode & 07777 & ~process().umask),
                             0, &node);
      if (r == 0) loc = Location{dir.mnt, node};
    } else if (r == 0 && is_dir(loc.node)) {
      fs::location_put(loc);
      r = -kEISDIR;
    }
    fs::location_put(dir);
    if (r < 0) return r;
  } else {
    r = user_path(dirfd, upath, (flags & kO_NOFOLLOW) ? 0 : fs::kFollow, &loc);
    if (r < 0) return r;
    uint32_t type = mode_of(loc.node) & kS_IFMT;
    if (type == kS_IFLNK && !(flags & kO_PATH)) r = -kELOOP;
    else if ((flags & kO_DIRECTORY) && type != kS_IFDIR) r = -kENOTDIR;
    else if (type == kS_IFDIR && (flags & kO_ACCMODE) != 0 && !(flags & kO_PATH)) r = -kEISDIR;
    if (r < 0) {
      fs::location_put(loc);
      return r;
    }
  }
  bool writing = (flags & kO_ACCMODE) != 0 && !(flags & kO_PATH);
  if (writing && (mode_of(loc.node) & kS_IFMT) == kS_IFREG) {
    if ((r = check_writable(loc)) < 0) {
      fs::location_put(loc);
      return r;
    }
  }
  if ((flags & kO_TRUNC) && writing && (mode_of(loc.node) & kS_IFMT) == kS_IFREG) {
    if ((r = vm_set_file_size(loc.node, 0)) < 0) {
      fs::location_put(loc);
      return r;
    }
  }
  File* f;
  r = open_node(loc, flags & ~(kO_CREAT | kO_EXCL | kO_TRUNC | kO_CLOEXEC), path, &f);
  if (r < 0) return r;
  int fd = fd_table().install(f, 0, flags & kO_CLOEXEC);
  if (fd < 0) f->put();
  return fd;
}

long do_stat(int64_t dirfd, uint64_t upath, uint64_t ust, uint64_t flags) {
  if (flags & ~(kAT_SYMLINK_NOFOLLOW | kAT_EMPTY_PATH | kAT_NO_AUTOMOUNT)) return -kEINVAL;
  Location loc;
  long r = user_path(dirfd, upath, (flags & kAT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow, &loc,
                     nullptr, flags & kAT_EMPTY_PATH);
  if (r == -kEBADF && (flags & kAT_EMPTY_PATH)) {
    // An empty path on a descriptor that is not a file in the tree (a pipe...).
    FileRef f = fd_table().get(int64_t(dirfd));
    if (!f) return -kEBADF;
    Stat st;
    if ((r = f->stat(&st)) < 0) return r;
    return copy_to_user(ust, &st, sizeof st) ? 0 : -kEFAULT;
  }
  if (r < 0) return r;
  Stat st;
  fill_stat(loc.node, &st);
  fs::location_put(loc);
  return copy_to_user(ust, &st, sizeof st) ? 0 : -kEFAULT;
}

long do_access(int64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags) {
  if (mode & ~uint64_t(kR_OK | kW_OK | kX_OK)) return -kEINVAL;
  if (flags & ~(kAT_SYMLINK_NOFOLLOW | kAT_EACCESS | kAT_EMPTY_PATH)) return -kEINVAL;
  Location loc;
  long r = user_path(dirfd, upath, (flags & kAT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow, &loc,
                     nullptr, flags & kAT_EMPTY_PATH);
  if (r < 0) return r;
  // Root may read and write anything; it may execute what has an x bit.
  uint32_t m = mode_of(loc.node);
  if ((mode & kW_OK) && check_writable(loc) < 0) r = -kEROFS;
  else if ((mode & kX_OK) && !is_dir(loc.node) && !(m & 0111)) r = -kEACCES;
  fs::location_put(loc);
  return r;
}

long do_mknod(int64_t dirfd, uint64_t upath, uint32_t mode, uint64_t rdev) {
  Location dir;
  char last[256];
  long r = parent(dirfd, upath, &dir, last);
  if (r < 0) return r;
  if (dot_or_dotdot(last)) r = -kEEXIST;
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
  if (rmdir && last[0] == '.' && !last[1]) r = -kEINVAL;
  else if (rmdir && dot_or_dotdot(last)) r = -kENOTEMPTY;
  else if (!rmdir && dot_or_dotdot(last)) r = -kEISDIR;
  if (r == 0) {
    // A mount point cannot go.
    Location child;
    if (vfs().step(dir, last, strlen(last), &child) == 0) {
      if (child.mnt != dir.mnt) r = -kEBUSY;
      fs::location_put(child);
    }
  }
  if (r == 0) r = check_writable(dir);
  if (r == 0) r = dir.node->remove(last, strlen(last), rmdir);
  fs::location_put(dir);
  if (r == 0 && !rmdir) {
    // A unix socket bound to this path stops answering to it.
    char path[kPATH_MAX];
    if (copy_string_from_user(path, upath, sizeof path) > 0)
      for (const PathObserver& o : path_observers_set()) o.unlinked(path);
  }
  return r;
}

long do_rename(int64_t olddirfd, uint64_t uold, int64_t newdirfd, uint64_t unew, uint64_t flags) {
  if (flags & (kRENAME_EXCHANGE | kRENAME_WHITEOUT)) return -kEINVAL;
  if (flags & ~kRENAME_NOREPLACE) return -kEINVAL;
  Location from, to;
  char from_name[256], to_name[256];
  long r = parent(olddirfd, uold, &from, from_name);
  if (r < 0) return r;
  r = parent(newdirfd, unew, &to, to_name);
  if (r < 0) {
    fs::location_put(from);
    return r;
  }
  if (dot_or_dotdot(from_name) || dot_or_dotdot(to_name)) r = -kEBUSY;
  else if (from.mnt != to.mnt) r = -kEXDEV;
  if (r == 0 && (flags & kRENAME_NOREPLACE)) {
    Location existing;
    if (vfs().step(to, to_name, strlen(to_name), &existing) == 0) {
      fs::location_put(existing);
      r = -kEEXIST;
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
  if (flags & ~(kAT_SYMLINK_FOLLOW | kAT_EMPTY_PATH)) return -kEINVAL;
  Location target, dir;
  long r = user_path(olddirfd, uold, (flags & kAT_SYMLINK_FOLLOW) ? fs::kFollow : 0, &target,
                     nullptr, flags & kAT_EMPTY_PATH);
  if (r < 0) return r;
  char last[256];
  r = parent(newdirfd, unew, &dir, last);
  if (r == 0) {
    // Linux's order: a taken name first, then the mount, then the type.
    Location existing;
    if (dot_or_dotdot(last)) {
      r = -kEEXIST;
    } else if (vfs().step(dir, last, strlen(last), &existing) == 0) {
      fs::location_put(existing);
      r = -kEEXIST;
    } else if (target.mnt != dir.mnt) {
      r = -kEXDEV;
    } else if (is_dir(target.node)) {
      r = -kEPERM;
    }
    if (r == 0) r = check_writable(dir);
    if (r == 0) r = dir.node->link(last, strlen(last), target.node);
    fs::location_put(dir);
  }
  fs::location_put(target);
  return r;
}

long do_readlink(int64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t size) {
  if (int64_t(size) <= 0) return -kEINVAL;
  Location loc;
  long r = user_path(dirfd, upath, 0, &loc, nullptr, true);
  if (r < 0) return r;
  char target[kPATH_MAX];
  r = loc.node->readlink(target, sizeof target);
  fs::location_put(loc);
  if (r < 0) return r;
  size_t n = size_t(r) < size ? size_t(r) : size_t(size);
  return copy_to_user(ubuf, target, n) ? long(n) : -kEFAULT;
}

// F_SEAL_EXEC: the execute bits stay as they are.
long exec_sealed(fs::Node* n, const fs::Attr& a, uint32_t which) {
  uint32_t* seals = n->seals();
  if (!seals || !(*seals & kF_SEAL_EXEC) || !(which & fs::kSetMode)) return 0;
  return ((mode_of(n) ^ a.mode) & 0111) ? -kEPERM : 0;
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
  if (!f) return -kEBADF;
  if (!f->node()) return which == fs::kSetMode ? 0 : -kEINVAL;  // pipes, sockets
  if (f->node()->fs->read_only()) return -kEROFS;
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
  Statfs out = {int64_t(s.type), int64_t(s.block_size), s.blocks, s.blocks_free, s.blocks_avail,
                s.files, s.files_free, {0, 0}, int64_t(s.name_max), int64_t(s.block_size),
                s.read_only ? kST_RDONLY : 0, {}};
  return copy_to_user(ubuf, &out, sizeof out) ? 0 : -kEFAULT;
}

}  // namespace

long sys_open(uint64_t upath, uint64_t flags, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  return do_open(kAT_FDCWD, upath, uint32_t(flags), uint32_t(mode));
}
long sys_openat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode, uint64_t,
                uint64_t) {
  return do_open(int64_t(dirfd), upath, uint32_t(flags), uint32_t(mode));
}
long sys_creat(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_open(kAT_FDCWD, upath, kO_CREAT | kO_WRONLY | kO_TRUNC, uint32_t(mode));
}

long sys_stat(uint64_t upath, uint64_t ust, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_stat(kAT_FDCWD, upath, ust, 0);
}
long sys_lstat(uint64_t upath, uint64_t ust, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_stat(kAT_FDCWD, upath, ust, kAT_SYMLINK_NOFOLLOW);
}
long sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ust, uint64_t flags, uint64_t,
                    uint64_t) {
  return do_stat(int64_t(dirfd), upath, ust, flags);
}

long sys_statx(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mask, uint64_t ubuf,
               uint64_t) {
  if (flags & ~(kAT_SYMLINK_NOFOLLOW | kAT_EMPTY_PATH | kAT_NO_AUTOMOUNT | kAT_STATX_SYNC_TYPE))
    return -kEINVAL;
  if (mask & kSTATX_RESERVED) return -kEINVAL;
  Location loc;
  Stat st;
  long r = user_path(int64_t(dirfd), upath, (flags & kAT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow,
                     &loc, nullptr, flags & kAT_EMPTY_PATH);
  if (r == -kEBADF && (flags & kAT_EMPTY_PATH)) {
    FileRef f = fd_table().get(int64_t(dirfd));
    if (!f) return -kEBADF;
    if ((r = f->stat(&st)) < 0) return r;
  } else if (r < 0) {
    return r;
  } else {
    fill_stat(loc.node, &st);
    fs::location_put(loc);
  }
  Statx x = {};
  x.mask = kSTATX_BASIC_STATS;
  x.blksize = uint32_t(st.blksize);
  x.nlink = uint32_t(st.nlink);
  x.uid = st.uid;
  x.gid = st.gid;
  x.mode = uint16_t(st.mode);
  x.ino = st.ino;
  x.size = uint64_t(st.size);
  x.blocks = uint64_t(st.blocks);
  x.atime = StatxTimestamp{st.atime, uint32_t(st.atime_nsec), 0};
  x.mtime = StatxTimestamp{st.mtime, uint32_t(st.mtime_nsec), 0};
  x.ctime = StatxTimestamp{st.ctime, uint32_t(st.ctime_nsec), 0};
  x.rdev_major = uint32_t(st.rdev >> 8);
  x.rdev_minor = uint32_t(st.rdev & 0xff);
  x.dev_major = uint32_t(st.dev >> 8);
  x.dev_minor = uint32_t(st.dev & 0xff);
  return copy_to_user(ubuf, &x, sizeof x) ? 0 : -kEFAULT;
}

long sys_access(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_access(kAT_FDCWD, upath, mode, 0);
}
long sys_faccessat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  return do_access(int64_t(dirfd), upath, mode, 0);
}
long sys_faccessat2(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags, uint64_t,
                    uint64_t) {
  return do_access(int64_t(dirfd), upath, mode, flags);
}

long sys_mkdirat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t) {
  return do_mknod(int64_t(dirfd), upath, kS_IFDIR | (uint32_t(mode) & 07777 & ~process().umask), 0);
}
long sys_mkdir(uint64_t upath, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_mkdirat(uint64_t(kAT_FDCWD), upath, mode, 0, 0, 0);
}
long sys_mknodat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t dev, uint64_t, uint64_t) {
  uint32_t type = uint32_t(mode) & kS_IFMT;
  if (type == 0) type = kS_IFREG;
  if (type == kS_IFDIR) return -kEINVAL;
  return do_mknod(int64_t(dirfd), upath, type | (uint32_t(mode) & 07777 & ~process().umask), dev);
}
long sys_mknod(uint64_t upath, uint64_t mode, uint64_t dev, uint64_t, uint64_t, uint64_t) {
  return sys_mknodat(uint64_t(kAT_FDCWD), upath, mode, dev, 0, 0);
}

long sys_rmdir(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_unlink(kAT_FDCWD, upath, true);
}
long sys_unlink(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_unlink(kAT_FDCWD, upath, false);
}
long sys_unlinkat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t, uint64_t, uint64_t) {
  if (flags & ~kAT_REMOVEDIR) return -kEINVAL;
  return do_unlink(int64_t(dirfd), upath, flags & kAT_REMOVEDIR);
}

long sys_rename(uint64_t uold, uint64_t unew, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_rename(kAT_FDCWD, uold, kAT_FDCWD, unew, 0);
}
long sys_renameat(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t, uint64_t) {
  return do_rename(int64_t(od), uold, int64_t(nd), unew, 0);
}
long sys_renameat2(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t flags,
                   uint64_t) {
  return do_rename(int64_t(od), uold, int64_t(nd), unew, flags);
}

long sys_link(uint64_t uold, uint64_t unew, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_link(kAT_FDCWD, uold, kAT_FDCWD, unew, 0);
}
long sys_linkat(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t flags,
                uint64_t) {
  return do_link(int64_t(od), uold, int64_t(nd), unew, flags);
}

long sys_symlinkat(uint64_t utarget, uint64_t dirfd, uint64_t upath, uint64_t, uint64_t,
                   uint64_t) {
  char target[kPATH_MAX];
  long n = copy_string_from_user(target, utarget, sizeof target);
  if (n < 0) return n;
  if (n == 0) return -kENOENT;
  Location dir;
  char last[256];
  long r = parent(int64_t(dirfd), upath, &dir, last);
  if (r < 0) return r;
  if (dot_or_dotdot(last)) r = -kEEXIST;
  if (r == 0) r = check_writable(dir);
  if (r == 0) r = dir.node->symlink(last, strlen(last), target, size_t(n));
  fs::location_put(dir);
  return r;
}
long sys_symlink(uint64_t utarget, uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_symlinkat(utarget, uint64_t(kAT_FDCWD), upath, 0, 0, 0);
}

long sys_readlink(uint64_t upath, uint64_t buf, uint64_t size, uint64_t, uint64_t, uint64_t) {
  return do_readlink(kAT_FDCWD, upath, buf, size);
}
long sys_readlinkat(uint64_t dirfd, uint64_t upath, uint64_t buf, uint64_t size, uint64_t,
                    uint64_t) {
  return do_readlink(int64_t(dirfd), upath, buf, size);
}

long sys_chdir(uint64_t upath, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Location loc;
  long r = user_path(kAT_FDCWD, upath, fs::kFollow | fs::kMustDir, &loc);
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
  long r = user_path(kAT_FDCWD, upath, fs::kFollow | fs::kMustDir, &loc);
  if (r < 0) return r;
  if (process().cred.euid != 0) {
    fs::location_put(loc);
    return -kEPERM;
  }
  fs::location_put(process().root);
  process().root = loc;
  return 0;
}

long sys_fchdir(uint64_t fd, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  Location loc;
  if (!file_location(f.file(), &loc)) return -kENOTDIR;
  if (!is_dir(loc.node)) {
    fs::location_put(loc);
    return -kENOTDIR;
  }
  fs::location_put(cwd());
  cwd() = loc;
  return 0;
}

// The working directory's path, found by walking ".." and looking for
// each directory's name in its parent.
long sys_getcwd(uint64_t ubuf, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  char path[kPATH_MAX];
  long len = location_path(cwd(), path, sizeof path);
  if (len < 0) return len;
  if (size_t(len) + 1 > size) return -kERANGE;
  return copy_to_user(ubuf, path, size_t(len) + 1) ? len + 1 : -kEFAULT;
}

long sys_truncate(uint64_t upath, uint64_t size, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int64_t(size) < 0) return -kEINVAL;
  Location loc;
  long r = user_path(kAT_FDCWD, upath, fs::kFollow, &loc);
  if (r < 0) return r;
  if (is_dir(loc.node)) r = -kEISDIR;
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
  return sys_fchmodat(uint64_t(kAT_FDCWD), upath, mode, 0, 0, 0);
}
long sys_fchmod(uint64_t fd, uint64_t mode, uint64_t, uint64_t, uint64_t, uint64_t) {
  fs::Attr a;
  a.mode = uint32_t(mode) & 07777;
  return attr_of_fd(fd, a, fs::kSetMode);
}

long sys_fchownat(uint64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid, uint64_t flags,
                  uint64_t) {
  if (flags & ~(kAT_SYMLINK_NOFOLLOW | kAT_EMPTY_PATH)) return -kEINVAL;
  return do_chown(int64_t(dirfd), upath, uid, gid, !(flags & kAT_SYMLINK_NOFOLLOW),
                  flags & kAT_EMPTY_PATH);
}
long sys_chown(uint64_t upath, uint64_t uid, uint64_t gid, uint64_t, uint64_t, uint64_t) {
  return do_chown(kAT_FDCWD, upath, uid, gid, true, false);
}
long sys_lchown(uint64_t upath, uint64_t uid, uint64_t gid, uint64_t, uint64_t, uint64_t) {
  return do_chown(kAT_FDCWD, upath, uid, gid, false, false);
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
  if (flags & ~(kAT_SYMLINK_NOFOLLOW | kAT_EMPTY_PATH)) return -kEINVAL;
  Timespec ts[2] = {{0, kUTIME_NOW}, {0, kUTIME_NOW}};
  if (utimes && !copy_from_user(ts, utimes, sizeof ts)) return -kEFAULT;
  int64_t now = realtime_ns();
  fs::Attr a;
  uint32_t which = 0;
  for (int i = 0; i < 2; i++) {
    int64_t nsec = ts[i].nsec;
    if (nsec == kUTIME_OMIT) continue;
    if (nsec != kUTIME_NOW && (nsec < 0 || nsec >= 1000000000)) return -kEINVAL;
    fs::Time t = nsec == kUTIME_NOW ? fs::Time{now / 1000000000, now % 1000000000}
                                   : fs::Time{ts[i].sec, nsec};
    (i == 0 ? a.atime : a.mtime) = t;
    which |= i == 0 ? fs::kSetAtime : fs::kSetMtime;
  }
  if (!upath) return attr_of_fd(dirfd, a, which);  // futimens
  return set_attr(int64_t(dirfd), upath, !(flags & kAT_SYMLINK_NOFOLLOW), flags & kAT_EMPTY_PATH,
                  a, which);
}

long sys_statfs(uint64_t upath, uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t) {
  Location loc;
  long r = user_path(kAT_FDCWD, upath, fs::kFollow, &loc);
  if (r < 0) return r;
  r = to_statfs(loc.node->fs, ubuf);
  fs::location_put(loc);
  return r;
}
long sys_fstatfs(uint64_t fd, uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t) {
  FileRef f = fd_table().get(int64_t(fd));
  if (!f) return -kEBADF;
  if (!f->node()) return -kENOSYS;  // pipefs/sockfs statistics are not kept
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
  if (!f) return -kEBADF;
  if (!f->node()) return 0;
  long r = vm_files_write_back(f->node()->fs);
  return r < 0 ? r : f->node()->fs->sync();
}

}  // namespace kiln
