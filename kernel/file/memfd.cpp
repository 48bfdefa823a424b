// memfd_create: a tmpfs file that no directory names, of a tmpfs instance
// of its own (Linux's shmem internal mount), with the seals of
// F_ADD_SEALS; the seals live on the node, so every descriptor of the file
// sees the same ones, and NodeFile, mmap and chmod enforce them.
#include "file/memfd.h"

#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/stat.h"
#include "core/panic.h"
#include "file/file.h"
#include "file/vfs.h"
#include "fs/tmpfs.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

constexpr uint32_t kKnownFlags = kMFD_CLOEXEC | kMFD_ALLOW_SEALING | kMFD_HUGETLB |
                                 kMFD_NOEXEC_SEAL | kMFD_EXEC;
constexpr uint32_t kAllSeals = kF_SEAL_SEAL | kF_SEAL_SHRINK | kF_SEAL_GROW | kF_SEAL_WRITE |
                               kF_SEAL_FUTURE_WRITE | kF_SEAL_EXEC;

fs::FileSystem* g_memfs;  // made on the first memfd_create
uint64_t g_serial;

// A new file in g_memfs's root, then its name removed: the node lives on
// the reference the caller gets.
long anonymous_node(uint32_t mode, fs::Node** out) {
  if (!g_memfs && !(g_memfs = fs::tmpfs_create(0, "tmpfs", 01777))) return -kENOMEM;
  char name[32];
  size_t len = format(name, sizeof name, "memfd-%lu", (unsigned long)g_serial++);
  fs::Node* root = g_memfs->root();
  long r = root->create(name, len, kS_IFREG | mode, 0, out);
  if (r == 0 && root->remove(name, len, false) < 0) panic("memfd: cannot unlink %s", name);
  root->put();
  return r;
}

bool writable(const File* f) { return (f->status_flags & kO_ACCMODE) != kO_RDONLY; }

}  // namespace

long sys_memfd_create(uint64_t uname, uint64_t uflags, uint64_t, uint64_t, uint64_t, uint64_t) {
  uint32_t flags = uint32_t(uflags);
  if (uflags & ~uint64_t(kKnownFlags)) return -kEINVAL;
  if ((flags & kMFD_EXEC) && (flags & kMFD_NOEXEC_SEAL)) return -kEINVAL;
  // FIXME: huge pages; kiln has none to back such a file with.
  if (flags & kMFD_HUGETLB) return -kEINVAL;
  char name[kMfdNameMax + 1];
  long n = copy_string_from_user(name, uname, sizeof name);
  if (n == -kENAMETOOLONG) return -kEINVAL;
  if (n < 0) return n;
  // Linux's default (vm.memfd_noexec = 0): executable unless MFD_NOEXEC_SEAL,
  // which also seals that, and allows sealing.
  bool noexec = flags & kMFD_NOEXEC_SEAL;
  fs::Node* node;
  long r = anonymous_node(noexec ? 0666 : 0777, &node);
  if (r < 0) return r;
  // The mode is the file's own, not the creator's umask's.
  fs::Attr a;
  a.mode = kS_IFREG | (noexec ? 0666 : 0777);
  (void)node->setattr(a, fs::kSetMode);
  *node->seals() = noexec ? uint32_t(kF_SEAL_EXEC) : (flags & kMFD_ALLOW_SEALING) ? 0u : uint32_t(kF_SEAL_SEAL);
  char path[kMfdNameMax + 32];
  format(path, sizeof path, "/memfd:%s (deleted)", name);
  File* f;
  if ((r = open_node(fs::Location{nullptr, node}, kO_RDWR | kO_LARGEFILE, path, &f)) < 0)
    return r;
  int fd = fd_table().install(f, 0, flags & kMFD_CLOEXEC);
  if (fd < 0) f->put();
  return fd;
}

long file_seals(File* f, int cmd, uint64_t arg) {
  uint32_t* seals = f->node() ? f->node()->seals() : nullptr;
  if (!seals) return -kEINVAL;
  if (cmd == kF_GET_SEALS) return *seals;
  uint32_t add = uint32_t(arg);
  if (!writable(f)) return -kEPERM;
  if (arg & ~uint64_t(kAllSeals)) return -kEINVAL;
  if (*seals & kF_SEAL_SEAL) return -kEPERM;
  if ((add & kF_SEAL_WRITE) && !(*seals & kF_SEAL_WRITE) && vm_file_mapped_writable(f->node()))
    return -kEBUSY;
  // As Linux: sealing exec on an executable file seals writing too (W^X).
  if ((add & kF_SEAL_EXEC) && (fs::node_mode(f->node()) & 0111))
    add |= kF_SEAL_SHRINK | kF_SEAL_GROW | kF_SEAL_WRITE | kF_SEAL_FUTURE_WRITE;
  *seals |= add;
  return 0;
}

}  // namespace kiln
