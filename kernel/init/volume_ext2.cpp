// ext2 volumes, with the kernel's clock and a sleeping lock.
#include "core/console.h"
#include "core/memory.h"
#include "core/thread.h"
#include "fs/ext2/ext2.h"
#include "fs/tmpfs.h"
#include "init/volumes.h"
#include "lib/format.h"

namespace kiln {
namespace {

// The ext2 lock: kernel threads are cooperative, but a device transfer
// sleeps, and another thread may then enter the same file system. It is
// handed to the first waiter on release (FIFO: an exiting thread waiting
// for it is never starved by a busy writer), and recursive for its owner
// (the exit path holds every volume's lock while it syncs and unmounts).
struct SleepLock {
  Thread* owner = nullptr;
  int depth = 0;
  WaitList waiters;
};

void sleep_lock(void* ctx) {
  auto l = static_cast<SleepLock*>(ctx);
  Thread* me = current_thread();
  if (l->depth && l->owner == me) {
    l->depth++;
    return;
  }
  while (l->depth && l->owner != me) wait_on(l->waiters, 0);  // a signal may wake us early
  if (!l->depth) {
    l->owner = me;
    l->depth = 1;
  }  // else it was handed to us
}

void sleep_unlock(void* ctx) {
  auto l = static_cast<SleepLock*>(ctx);
  if (--l->depth) return;
  l->owner = l->waiters.front();
  if (l->owner) {
    l->depth = 1;
    wake_thread(l->owner);
  }
}

struct Ext2Mount {
  fs::FileSystem* fs = nullptr;
  SleepLock lock;
  char where[64] = {};  // "/dev/vdb on /var/lib/app", for messages
};
Ext2Mount g_ext2[BootConfig::kMaxBlock];

fs::FileSystem* mount(const BlockEntry& b, size_t index, fs::BlockDevice* dev, const char** why) {
  Ext2Mount& m = g_ext2[index];
  fs::Ext2Options o;
  o.read_only = b.read_only;
  // Unreferenced inodes kept for reuse: one per 64 KiB of RAM (1024 in a
  // 64 MiB guest, some 200 KiB), at least the driver's default. A program
  // walking a directory of a thousand files again then finds every inode
  // in memory (a cache smaller than the walk misses on every one).
  uint64_t inodes = total_ram_bytes() / (64 * 1024);
  if (inodes > o.inode_cache) o.inode_cache = uint32_t(inodes);
  o.now = fs::fs_now;
  o.lock = sleep_lock;
  o.unlock = sleep_unlock;
  o.lock_ctx = &m.lock;
  fs::FileSystem* f = nullptr;
  *why = nullptr;
  if (fs::ext2_mount(dev, o, &f, why) < 0) {
    if (!*why) *why = "the ext2 volume cannot be mounted";
    return nullptr;
  }
  format(m.where, sizeof m.where, "/dev/%s on %s", b.dev, b.mountpoint);
  if (*why) kprintf("kiln: %s: %s\n", m.where, *why);
  m.fs = f;
  return f;
}

void quiesce() {
  for (Ext2Mount& e : g_ext2)
    if (e.fs) sleep_lock(&e.lock);
}

bool owns(const fs::FileSystem* f) {
  for (const Ext2Mount& e : g_ext2)
    if (e.fs && e.fs == f) return true;
  return false;
}

long unmount(fs::FileSystem* f) {
  long first = 0;
  for (Ext2Mount& e : g_ext2) {
    if (!e.fs || (f && e.fs != f)) continue;
    long r = fs::ext2_unmount(e.fs);
    e.fs = nullptr;
    if (r < 0) kprintf("kiln: unmounting %s: error %ld\n", e.where, -r);
    if (r < 0 && !first) first = r;
  }
  return first;
}

KILN_SET_ENTRY(volume_types, VolumeType, g_type) = {"ext2", fs::ext2_probe, mount, quiesce,
                                                     owns, unmount};

}  // namespace
}  // namespace kiln
