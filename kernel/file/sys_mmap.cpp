// mmap(2): the descriptor side; the mapping itself is mm's (mm/vm.h).
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/mman.h"
#include "abi/linux/stat.h"
#include "file/file.h"
#include "fs/node.h"
#include "mm/vm.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

// The file behind a non-anonymous mmap (`f`, which the call holds),
// checked as Linux checks it. /dev/zero turns the request into an
// anonymous one.
long mappable_file(File* f, uint64_t prot, uint64_t* flags, fs::Node** out, bool* may_write) {
  if (!f) return -kEBADF;
  fs::Node* node = f->node();
  fs::Attr a;
  if (!node || node->getattr(&a) < 0) return -kENODEV;
  uint32_t type = a.mode & kS_IFMT;
  if (type == kS_IFCHR && a.rdev == 0x105) {
    *flags |= kMAP_ANONYMOUS;
    return 0;
  }
  if (type != kS_IFREG) return -kENODEV;
  uint32_t access = f->status_flags & kO_ACCMODE;
  if (access == kO_WRONLY) return -kEACCES;
  if ((*flags & kMAP_SHARED) && (prot & kPROT_WRITE) && access != kO_RDWR) return -kEACCES;
  *may_write = access == kO_RDWR;
  // A write-sealed file maps shared only for reading, and for good: the
  // mapping may not gain PROT_WRITE later (mprotect: EACCES).
  if (uint32_t* seals = node->seals(); seals && (*seals & (kF_SEAL_WRITE | kF_SEAL_FUTURE_WRITE)) &&
                                       (*flags & kMAP_SHARED)) {
    if (prot & kPROT_WRITE) return -kEPERM;
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
  FileRef held = flags & kMAP_ANONYMOUS ? FileRef() : fd_table().get(int64_t(fd));
  if (!(flags & kMAP_ANONYMOUS)) {
    r = mappable_file(held.file(), prot, &flags, &file, &may_write);
    if (r < 0) return r;
  }
  return vm_mmap(addr, len, prot, flags, file, may_write, off);
}

}  // namespace kiln
