// Extended attributes: setxattr, getxattr, listxattr, removexattr and their
// l (no symlink following) and f (descriptor) forms. The checks Linux's
// VFS makes before a file system sees the call are here (fs/xattr.c): the
// flags, the name's length, the sizes, a read-only volume, and who may use
// which namespace on which kind of file; the file system keeps the
// attributes (tmpfs) or answers that it has none (-EOPNOTSUPP, as Linux's
// procfs, iso9660, and kiln's ext2, which reads no xattr blocks, do).
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/stat.h"
#include "abi/linux/xattr.h"
#include "file/file.h"
#include "file/vfs.h"
#include "fs/vfs.h"
#include "lib/mem.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

constexpr int64_t kAT_FDCWD = -100;

using Name = char[kXATTR_NAME_MAX + 1];

// An empty name, or one that does not fit, is -ERANGE.
long copy_name(uint64_t uname, Name& name) {
  long n = copy_string_from_user(name, uname, sizeof name);
  if (n == -kENAMETOOLONG || n == 0) return -kERANGE;
  return n < 0 ? n : 0;
}

bool has_prefix(const char* name, const char* prefix) {
  return !strncmp(name, prefix, strlen(prefix));
}

bool root() { return process().cred.fsuid == 0; }

// Permission bits for the caller: owner, group or others.
bool allowed(const fs::Attr& a, uint32_t want) {
  const Process::Credentials& c = process().cred;
  if (c.fsuid == 0) return true;
  uint32_t bits = c.fsuid == a.uid ? a.mode >> 6 : c.fsgid == a.gid ? a.mode >> 3 : a.mode;
  return (bits & want) == want;
}

// Linux's xattr_permission: security.* and system.* pass; trusted.* is root's (others see nothing);
// user.* lives only on regular files and directories, is kept from others
// on a sticky directory, and follows the file's read and write bits.
long permission(const fs::Attr& a, const char* name, bool write) {
  uint32_t type = a.mode & kS_IFMT;
  // security.* and system.* are left to the file system.
  if (has_prefix(name, kXATTR_SECURITY_PREFIX) || has_prefix(name, kXATTR_SYSTEM_PREFIX)) return 0;
  if (has_prefix(name, kXATTR_TRUSTED_PREFIX)) return root() ? 0 : write ? -kEPERM : -kENODATA;
  if (has_prefix(name, kXATTR_USER_PREFIX)) {
    if (type != kS_IFREG && type != kS_IFDIR) return write ? -kEPERM : -kENODATA;
    if (type == kS_IFDIR && (a.mode & 01000) && write && !root() &&
        process().cred.fsuid != a.uid)
      return -kEPERM;
  }
  return allowed(a, write ? 2 : 4) ? 0 : -kEACCES;
}

// A name that is only a namespace's prefix ("user.") names nothing.
long check_namespace(const char* name) {
  static constexpr const char* kPrefixes[] = {kXATTR_USER_PREFIX, kXATTR_TRUSTED_PREFIX,
                                              kXATTR_SECURITY_PREFIX, kXATTR_SYSTEM_PREFIX};
  for (const char* prefix : kPrefixes)
    if (!strcmp(name, prefix)) return -kEINVAL;
  return 0;
}

// The node a call works on: by path (following a last symlink unless
// `lform`), or the descriptor's (fd >= 0, path 0). Files without a node
// (pipes, sockets) give *node == nullptr and their stat in *attr.
struct Target {
  fs::Location loc;
  FileRef file;
  fs::Node* node = nullptr;
  fs::Attr attr;
  ~Target() { fs::location_put(loc); }
};

long find_target(int64_t fd, uint64_t upath, bool lform, Target* t) {
  if (!upath) {
    t->file = fd_table().get(fd);
    if (!t->file || (t->file->status_flags & kO_PATH)) return -kEBADF;
    t->node = t->file->node();
    if (t->node) return t->node->getattr(&t->attr);
    Stat st;
    long r = t->file->stat(&st);
    t->attr.mode = st.mode;
    t->attr.uid = st.uid;
    t->attr.gid = st.gid;
    return r < 0 ? r : 0;
  }
  long r = user_path(kAT_FDCWD, upath, lform ? 0 : fs::kFollow, &t->loc);
  if (r < 0) return r;
  t->node = t->loc.node;
  return t->node->getattr(&t->attr);
}

long do_set(int64_t fd, uint64_t upath, bool lform, uint64_t uname, uint64_t uvalue, size_t size,
            uint64_t flags) {
  if (flags & ~uint64_t(kXATTR_CREATE | kXATTR_REPLACE)) return -kEINVAL;
  Name name;
  long r = copy_name(uname, name);
  if (r < 0) return r;
  if (size > kXATTR_SIZE_MAX) return -kE2BIG;
  uint8_t* value = size ? new uint8_t[size] : nullptr;
  if (size && !value) return -kENOMEM;
  if (size && !copy_from_user(value, uvalue, size)) r = -kEFAULT;
  Target t;
  if (r == 0) r = find_target(fd, upath, lform, &t);
  if (r == 0 && t.node && t.node->fs->read_only()) r = -kEROFS;
  if (r == 0) r = permission(t.attr, name, true);
  if (r == 0) r = check_namespace(name);
  if (r == 0) r = t.node ? t.node->setxattr(name, value, size, int(flags)) : -kEOPNOTSUPP;
  delete[] value;
  return r;
}

long do_get(int64_t fd, uint64_t upath, bool lform, uint64_t uname, uint64_t uvalue,
            size_t size) {
  Name name;
  long r = copy_name(uname, name);
  if (r < 0) return r;
  Target t;
  if ((r = find_target(fd, upath, lform, &t)) < 0) return r;
  if ((r = permission(t.attr, name, false)) < 0) return r;
  if ((r = check_namespace(name)) < 0) return r;
  if (!t.node) return -kEOPNOTSUPP;
  if (size > kXATTR_SIZE_MAX) size = kXATTR_SIZE_MAX;
  if (!size) return t.node->getxattr(name, nullptr, 0);
  uint8_t* value = new uint8_t[size];
  if (!value) return -kENOMEM;
  r = t.node->getxattr(name, value, size);
  if (r > 0 && !copy_to_user(uvalue, value, size_t(r))) r = -kEFAULT;
  delete[] value;
  return r;
}

long do_list(int64_t fd, uint64_t upath, bool lform, uint64_t ulist, size_t size) {
  Target t;
  long r = find_target(fd, upath, lform, &t);
  if (r < 0) return r;
  if (!t.node) return 0;  // no attributes, and no security label to list
  if (size > kXATTR_LIST_MAX) size = kXATTR_LIST_MAX;
  if (!size) return t.node->listxattr(nullptr, 0, root());
  char* list = new char[size];
  if (!list) return -kENOMEM;
  r = t.node->listxattr(list, size, root());
  if (r > 0 && !copy_to_user(ulist, list, size_t(r))) r = -kEFAULT;
  delete[] list;
  return r;
}

long do_remove(int64_t fd, uint64_t upath, bool lform, uint64_t uname) {
  Name name;
  long r = copy_name(uname, name);
  if (r < 0) return r;
  Target t;
  if ((r = find_target(fd, upath, lform, &t)) < 0) return r;
  if (t.node && t.node->fs->read_only()) return -kEROFS;
  if ((r = permission(t.attr, name, true)) < 0) return r;
  if ((r = check_namespace(name)) < 0) return r;
  return t.node ? t.node->removexattr(name) : -kEOPNOTSUPP;
}

}  // namespace

long sys_setxattr(uint64_t path, uint64_t name, uint64_t value, uint64_t size, uint64_t flags,
                  uint64_t) {
  return do_set(-1, path, false, name, value, size, flags);
}
long sys_lsetxattr(uint64_t path, uint64_t name, uint64_t value, uint64_t size, uint64_t flags,
                   uint64_t) {
  return do_set(-1, path, true, name, value, size, flags);
}
long sys_fsetxattr(uint64_t fd, uint64_t name, uint64_t value, uint64_t size, uint64_t flags,
                   uint64_t) {
  return do_set(int64_t(fd), 0, false, name, value, size, flags);
}
long sys_getxattr(uint64_t path, uint64_t name, uint64_t value, uint64_t size, uint64_t,
                  uint64_t) {
  return do_get(-1, path, false, name, value, size);
}
long sys_lgetxattr(uint64_t path, uint64_t name, uint64_t value, uint64_t size, uint64_t,
                   uint64_t) {
  return do_get(-1, path, true, name, value, size);
}
long sys_fgetxattr(uint64_t fd, uint64_t name, uint64_t value, uint64_t size, uint64_t,
                   uint64_t) {
  return do_get(int64_t(fd), 0, false, name, value, size);
}
long sys_listxattr(uint64_t path, uint64_t list, uint64_t size, uint64_t, uint64_t, uint64_t) {
  return do_list(-1, path, false, list, size);
}
long sys_llistxattr(uint64_t path, uint64_t list, uint64_t size, uint64_t, uint64_t, uint64_t) {
  return do_list(-1, path, true, list, size);
}
long sys_flistxattr(uint64_t fd, uint64_t list, uint64_t size, uint64_t, uint64_t, uint64_t) {
  return do_list(int64_t(fd), 0, false, list, size);
}
long sys_removexattr(uint64_t path, uint64_t name, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_remove(-1, path, false, name);
}
long sys_lremovexattr(uint64_t path, uint64_t name, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_remove(-1, path, true, name);
}
long sys_fremovexattr(uint64_t fd, uint64_t name, uint64_t, uint64_t, uint64_t, uint64_t) {
  return do_remove(int64_t(fd), 0, false, name);
}

}  // namespace kiln
