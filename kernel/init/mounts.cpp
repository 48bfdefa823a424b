#include "init/mounts.h"

#include "core/memory.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "fs/ext2/ext2.h"
#include "fs/iso9660/iso9660.h"
#include "fs/tmpfs.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "file/vfs.h"

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

// The ext2 volumes, unmounted at exit (which marks writable ones clean).
struct Ext2Mount {
  fs::FileSystem* fs = nullptr;
  SleepLock lock;
  char where[64] = {};  // "/dev/vdb on /var/lib/app", for messages
};
Ext2Mount g_ext2[BootConfig::kMaxBlock];

Ext2Mount* ext2_of(fs::FileSystem* f) {
  for (Ext2Mount& e : g_ext2)
    if (e.fs && e.fs == f) return &e;
  return nullptr;
}

long unmount_ext2(Ext2Mount& e) {
  long r = fs::ext2_unmount(e.fs);
  e.fs = nullptr;
  if (r < 0) kprintf("kiln: unmounting %s: error %ld\n", e.where, -r);
  return r;
}

[[noreturn]] void fail(const BlockEntry& b, const char* why) {
  kprintf("kiln: cannot mount /dev/%s on %s: %s\n", b.dev, b.mountpoint, why);
  unmount_block_devices();  // volumes already mounted go back to clean
  machine_exit(1);
}

// mkdir -p for a mount point.
void make_dirs(const char* path) {
  char partial[256];
  size_t n = strlen(path);
  if (n >= sizeof partial) return;
  for (size_t i = 1; i <= n; i++) {
    if (path[i] != '/' && path[i] != 0) continue;
    memcpy(partial, path, i);
    partial[i] = 0;
    fs::Location root = vfs().root(), dir;
    char last[256];
    long r = vfs().resolve(root, partial, fs::kParent, &dir, last);
    fs::location_put(root);
    if (r < 0) return;
    dir.node->create(last, strlen(last), kS_IFDIR | 0755, 0, nullptr);
    fs::location_put(dir);
  }
}

// ext2 with the kernel's clock and a sleeping lock; a note from the driver
// (mounted read-only because..., not cleanly unmounted) goes to the console.
fs::FileSystem* mount_ext2(const BlockEntry& b, size_t index, fs::BlockDevice* dev) {
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
  const char* why = nullptr;
  if (fs::ext2_mount(dev, o, &f, &why) < 0)
    fail(b, why ? why : "the ext2 volume cannot be mounted");
  format(m.where, sizeof m.where, "/dev/%s on %s", b.dev, b.mountpoint);
  if (why) kprintf("kiln: %s: %s\n", m.where, why);
  m.fs = f;
  return f;
}

}  // namespace

void mount_block_devices(const BootConfig& config) {
  for (size_t i = 0; i < config.nblk; i++) {
    const BlockEntry& b = config.blk[i];
    if (!b.mountpoint) continue;  // a raw device: /dev/vdX only
    bool named = strlen(b.dev) == 3 && strncmp(b.dev, "vd", 2) == 0;  // "vda".."vdz"
    size_t index = named ? size_t(b.dev[2] - 'a') : BootConfig::kMaxBlock;
    fs::BlockDevice* dev = index < BootConfig::kMaxBlock ? drivers::block_device(index) : nullptr;
    if (!dev) fail(b, "no such device");
    fs::FileSystem* f = nullptr;
    const char* why = "no file system this kernel can mount";
    if (fs::iso9660_probe(dev)) {
      // File data kept for later reads: a sixteenth of RAM per volume.
      if (fs::iso9660_mount(dev, &f, &why, total_ram_bytes() / 16) < 0) f = nullptr;
    } else if (fs::ext2_probe(dev)) {
      f = mount_ext2(b, index, dev);
    }
    if (!f) fail(b, why);
    make_dirs(b.mountpoint);
    fs::Location root = vfs().root(), at;
    long found = vfs().resolve(root, b.mountpoint, fs::kFollow, &at);
    fs::location_put(root);
    if (found < 0) fail(b, "bad mount point");
    char source[16] = "/dev/";
    memcpy(source + 5, b.dev, strlen(b.dev) + 1);
    long r = vfs().mount(at, f, source, b.mountpoint);
    fs::location_put(at);
    if (r < 0) fail(b, "the mount point is not a directory, or is taken");
  }
}

void quiesce_block_devices() {
  for (Ext2Mount& e : g_ext2)
    if (e.fs) sleep_lock(&e.lock);
}

long unmount_block_devices() {
  // Children before parents (the tree lists parents first), so no mount
  // point inside an ext2 volume is still held when it goes.
  fs::Mount* mounts[BootConfig::kMaxBlock + 8];
  size_t n = 0;
  for (fs::Mount* m = vfs().first_mount(); m && n < sizeof mounts / sizeof *mounts;
       m = vfs().next_mount(m))
    mounts[n++] = m;
  long first = 0;
  for (size_t i = n; i-- > 0;) {
    Ext2Mount* e = ext2_of(mounts[i]->fs);
    if (!e) continue;
    vfs().unmount(mounts[i]);
    long r = unmount_ext2(*e);
    if (r < 0 && !first) first = r;
  }
  for (Ext2Mount& e : g_ext2) {  // mounted, but never made it into the tree
    if (!e.fs) continue;
    long r = unmount_ext2(e);
    if (r < 0 && !first) first = r;
  }
  return first;
}

}  // namespace kiln
