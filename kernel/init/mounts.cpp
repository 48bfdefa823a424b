#include "init/mounts.h"

#include "core/console.h"
#include "core/panic.h"
#include "drivers/devices.h"
#include "fs/tmpfs.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "file/vfs.h"
#include "init/bake_config.h"
#include "init/volumes.h"

namespace kiln {
namespace {

[[noreturn]] void fail(const BlockEntry& b, const char* why) {
  kprintf("kiln: cannot mount /dev/%s on %s: %s\n", b.dev, b.mountpoint, why);
  (void)unmount_block_devices();  // volumes already mounted go back to clean; each error is printed
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

// What a device no volume type recognises is told: the types this kernel
// has (a bake configuration may leave some out).
void no_volume_type(const BlockEntry& b) {
  char why[96] = "no file system this kernel can mount (it mounts";
  size_t n = strlen(why);
  const char* sep = " ";
  for (const VolumeType& t : volume_types_set()) {
    if (n < sizeof why) n += format(why + n, sizeof why - n, "%s%s", sep, t.name);
    sep = ", ";
  }
  if (n < sizeof why) format(why + n, sizeof why - n, ")");
  fail(b, why);
}

// The type whose probe recognises `dev`, or nullptr.
const VolumeType* volume_type_of(fs::BlockDevice* dev) {
  for (const VolumeType& t : volume_types_set())
    if (t.probe(dev)) return &t;
  return nullptr;
}

}  // namespace

void mount_block_devices(const BootConfig& config) {
  for (size_t i = 0; i < config.nblk; i++) {
    const BlockEntry& b = config.blk[i];
    if (!b.mountpoint) continue;  // a raw device: /dev/vdX only
    if (!volume_types_set().size()) {
      char why[96];
      format(why, sizeof why, "this kernel (bake configuration %s) mounts no volumes", kBakeConfig);
      fail(b, why);
    }
    bool named = strlen(b.dev) == 3 && strncmp(b.dev, "vd", 2) == 0;  // "vda".."vdz"
    size_t index = named ? size_t(b.dev[2] - 'a') : BootConfig::kMaxBlock;
    fs::BlockDevice* dev = index < BootConfig::kMaxBlock ? drivers::block_device(index) : nullptr;
    if (!dev) fail(b, "no such device");
    const VolumeType* type = volume_type_of(dev);
    if (!type) no_volume_type(b);
    const char* why = nullptr;
    fs::FileSystem* f = type->mount(b, index, dev, &why);
    if (!f) fail(b, why ? why : "the volume cannot be mounted");
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
  for (const VolumeType& t : volume_types_set())
    if (t.quiesce) t.quiesce();
}

long unmount_block_devices() {
  // Children before parents (the tree lists parents first), so no mount
  // point inside a volume is still held when it goes.
  fs::Mount* mounts[BootConfig::kMaxBlock + 8];
  size_t n = 0;
  for (fs::Mount* m = vfs().first_mount(); m && n < sizeof mounts / sizeof *mounts;
       m = vfs().next_mount(m))
    mounts[n++] = m;
  long first = 0;
  for (size_t i = n; i-- > 0;) {
    for (const VolumeType& t : volume_types_set()) {
      if (!t.owns || !t.owns(mounts[i]->fs)) continue;
      fs::FileSystem* f = mounts[i]->fs;
      (void)vfs().unmount(mounts[i]);  // children go first: nothing is mounted below it
      long r = t.unmount(f);
      if (r < 0 && !first) first = r;
      break;
    }
  }
  for (const VolumeType& t : volume_types_set()) {  // mounted, but never put in the tree
    long r = t.unmount ? t.unmount(nullptr) : 0;
    if (r < 0 && !first) first = r;
  }
  return first;
}

}  // namespace kiln
