// mmap(2): the descriptor side; the mapping itself is mm's (mm/vm.h).
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "file/file.h"
#include "fs/node.h"
#include "mm/vm.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

constexpr uint64_t kMapShared = 1, kMapAnonymous = 0x20, kProtWrite = 2;

// The file behind a non-anonymous mmap (`f`, which the call holds),
// checked as Linux checks it. /dev/zero turns the request into an
// anonymous one.
long mappable_file(File* f, uint64_t prot, uint64_t* flags, fs::Node** out, bool* may_write) {
  if (!f) return -EBADF;
  fs::Node* node = f->node();
  fs::Attr a;
  if (!node || node->getattr(&a) < 0) return -ENODEV;
  uint32_t type = a.mode & fs::kTypeMask;
  if (type == fs::kTypeChar && a.rdev == 0x105) {
    *flags |= kMapAnonymous;
    return 0;
  }
  if (type != fs::kTypeRegular) return -ENODEV;
  uint32_t access = f->status_flags & 3;
  if (access == 1) return -EACCES;  // O_WRONLY
  if ((*flags & kMapShared) && (prot & kProtWrite) && access != 2) return -EACCES;
  *may_write = access == 2;
  // A write-sealed file maps shared only for reading, and for good: the
  // mapping may not gain PROT_WRITE later (mprotect: EACCES).
  if (uint32_t* seals = node->seals(); seals && (*seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) &&
                                       (*flags & kMapShared)) {
    if (prot & kProtWrite) return -EPERM;
    *may_write = false;
  }
  *out = node;
  return 0;
}

}  // namespace

long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
              uint64_t off) {
  long r = vm_mmap_check(len, prot, flags, off);
  if (r < 0) return r;
  fs::Node* file = nullptr;
  bool may_write = false;
  // Held until the mapping has its own reference to the node.
  FileRef held = flags & kMapAnonymous ? FileRef() : fd_table().get(int64_t(fd));
  if (!(flags & kMapAnonymous)) {
    r = mappable_file(held.file(), prot, &flags, &file, &may_write);
    if (r < 0) return r;
  }
  return vm_mmap(addr, len, prot, flags, file, may_write, off);
}

}  // namespace kiln
