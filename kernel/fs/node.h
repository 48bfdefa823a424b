// The VFS's view of a file system: nodes (inodes) and file systems. Every
// file system (tmpfs, devfs, procfs, iso9660, ext2) implements these; the
// VFS (vfs.cpp) resolves paths across mounts and the syscall layer turns
// them into open files. Portable: no kernel headers, so file systems are
// unit-tested and fuzzed on the host. Errors are negative Linux errno values.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/dirent.h"
#include "abi/linux/errno.h"
#include "abi/linux/stat.h"

namespace kiln::fs {

struct Time {
  int64_t sec = 0;
  int64_t nsec = 0;
};

struct Attr {
  uint64_t ino = 0;
  uint32_t mode = 0;  // type (kS_IF*) and permission bits
  uint32_t nlink = 1, uid = 0, gid = 0;
  uint64_t size = 0;
  uint64_t blocks = 0;  // 512-byte units
  uint64_t rdev = 0;    // device number of a device node: (major << 8) | minor
  uint32_t blksize = 4096;
  Time atime, mtime, ctime;
};

// Which fields setattr() changes.
inline constexpr uint32_t kSetMode = 1, kSetUid = 2, kSetGid = 4, kSetSize = 8,
                          kSetAtime = 16, kSetMtime = 32, kSetCtime = 64;

struct StatFs {
  uint64_t type;  // f_type magic (TMPFS_MAGIC, EXT2_SUPER_MAGIC, ISOFS_SUPER_MAGIC ...)
  uint64_t block_size, blocks, blocks_free, blocks_avail, files, files_free;
  uint64_t name_max;
  bool read_only;
};

class FileSystem;

class Node {
 public:
  virtual ~Node() = default;

  [[nodiscard]] virtual long getattr(Attr* out) = 0;
  [[nodiscard]] virtual long setattr(const Attr& in, uint32_t which) { (void)in, (void)which; return -kEPERM; }

  // Regular files: kernel buffers; return bytes moved or -errno.
  [[nodiscard]] virtual long read(uint64_t offset, void* buf, size_t n) { (void)offset, (void)buf, (void)n; return -kEISDIR; }
  [[nodiscard]] virtual long write(uint64_t offset, const void* buf, size_t n) { (void)offset, (void)buf, (void)n; return -kEISDIR; }
  [[nodiscard]] virtual long sync() { return 0; }

  // Directories. Names are not NUL-terminated; len <= 255.
  [[nodiscard]] virtual long lookup(const char* name, size_t len, Node** out) { (void)name, (void)len, (void)out; return -kENOTDIR; }
  // Creates a node of `mode`'s type (regular, dir, fifo, socket, char/block device with rdev).
  [[nodiscard]] virtual long create(const char* name, size_t len, uint32_t mode, uint64_t rdev, Node** out) {
    (void)name, (void)len, (void)mode, (void)rdev, (void)out;
    return -kENOTDIR;
  }
  [[nodiscard]] virtual long symlink(const char* name, size_t len, const char* target, size_t target_len) {
    (void)name, (void)len, (void)target, (void)target_len;
    return -kENOTDIR;
  }
  [[nodiscard]] virtual long link(const char* name, size_t len, Node* target) { (void)name, (void)len, (void)target; return -kENOTDIR; }
  // Removes an entry: `dir` selects rmdir (must be an empty directory) or unlink (must not be a directory).
  [[nodiscard]] virtual long remove(const char* name, size_t len, bool dir) { (void)name, (void)len, (void)dir; return -kENOTDIR; }
  // Moves this directory's entry `name` to `to_dir`/`to_name`, replacing a
  // compatible target (Linux rename rules); to_dir is on the same file system.
  [[nodiscard]] virtual long rename(const char* name, size_t len, Node* to_dir, const char* to_name, size_t to_len) {
    (void)name, (void)len, (void)to_dir, (void)to_name, (void)to_len;
    return -kENOTDIR;
  }
  // Calls emit(ctx, ino, type (DT_*), name, len, next_cookie) for entries
  // from *cookie on, until emit returns false; updates *cookie. "." and ".."
  // included.
  using Emit = bool (*)(void* ctx, uint64_t ino, uint8_t type, const char* name, size_t len,
                        uint64_t next_cookie);
  [[nodiscard]] virtual long readdir(uint64_t* cookie, Emit emit, void* ctx) { (void)cookie, (void)emit, (void)ctx; return -kENOTDIR; }

  // The file's whole contents where they already lie in memory for good
  // (a file baked into the payload and not yet written to): what exec
  // can run in place instead of reading a copy. nullptr otherwise.
  virtual const uint8_t* resident_contents(uint64_t* size) { (void)size; return nullptr; }

  // Symlinks: the target, not NUL-terminated; returns its length.
  [[nodiscard]] virtual long readlink(char* buf, size_t cap) { (void)buf, (void)cap; return -kEINVAL; }

  // Extended attributes, by whole name ("user.mime_type"), NUL-terminated,
  // its length and the caller's permission already checked (file/sys_xattr.cpp).
  // A file system without them answers -EOPNOTSUPP, and an empty list, as
  // Linux's do; one with them answers -EOPNOTSUPP for a namespace it does
  // not keep. get and list copy out only when cap != 0, and return the
  // size (-ERANGE when cap is too small); list gives names, each
  // NUL-terminated, trusted.* only if `trusted`.
  [[nodiscard]] virtual long getxattr(const char* name, void* buf, size_t cap) {
    (void)name, (void)buf, (void)cap;
    return -kEOPNOTSUPP;
  }
  // flags: XATTR_CREATE, XATTR_REPLACE.
  [[nodiscard]] virtual long setxattr(const char* name, const void* value, size_t size, int flags) {
    (void)name, (void)value, (void)size, (void)flags;
    return -kEOPNOTSUPP;
  }
  [[nodiscard]] virtual long listxattr(char* buf, size_t cap, bool trusted) { (void)buf, (void)cap, (void)trusted; return 0; }
  [[nodiscard]] virtual long removexattr(const char* name) { (void)name; return -kEOPNOTSUPP; }

  // File seals (F_SEAL_* bits, memfd_create(2)), where the file system
  // keeps them: tmpfs does, as Linux's shmem does for every file (which
  // starts sealed with F_SEAL_SEAL; memfd_create may clear it). nullptr:
  // this file cannot be sealed (F_GET_SEALS is -EINVAL).
  virtual uint32_t* seals() { return nullptr; }

  // Reference counting: the VFS holds nodes while files are open or paths
  // are being resolved. A file system may cache and reuse nodes.
  void get() { refs_++; }
  void put() {
    if (--refs_ == 0) release();
  }

  FileSystem* fs = nullptr;
  // The inode number, when the file system sets it (0: ask getattr). The
  // VFS recognizes mount points by (fs, ino).
  uint64_t ino = 0;

 protected:
  // Called when the last reference goes; the default deletes the node.
  virtual void release() { delete this; }

 private:
  int refs_ = 1;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The root directory, with a reference for the caller.
  virtual Node* root() = 0;
  [[nodiscard]] virtual long statfs(StatFs* out) = 0;
  // Writes everything dirty to the device (sync, syncfs, unmount).
  [[nodiscard]] virtual long sync() { return 0; }
  virtual bool read_only() const { return false; }
  virtual const char* type_name() const = 0;  // "tmpfs", "ext2", "iso9660" ...
};

// The DT_* value of a file type, for readdir.
inline uint8_t dtype_of(uint32_t mode) { return uint8_t((mode & kS_IFMT) >> 12); }

}  // namespace kiln::fs
