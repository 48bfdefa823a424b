#include "posix/mounts.h"

#include "core/console.h"
#include "core/panic.h"
#include "drivers/devices.h"
#include "fs/iso9660/iso9660.h"
#include "lib/mem.h"
#include "posix/vfs.h"

namespace kiln {
namespace {

[[noreturn]] void fail(const BlockEntry& b, const char* why) {
  kprintf("kiln: cannot mount /dev/%s on %s: %s\n", b.dev, b.mountpoint, why);
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
    fs::Location dir;
    char last[256];
    if (vfs().resolve(vfs().root(), partial, fs::kParent, &dir, last) < 0) return;
    dir.node->create(last, strlen(last), fs::kTypeDir | 0755, 0, nullptr);
    fs::location_put(dir);
  }
}

}  // namespace

void mount_block_devices(const BootConfig& config) {
  for (size_t i = 0; i < config.nblk; i++) {
    const BlockEntry& b = config.blk[i];
    if (!b.mountpoint) continue;  // a raw device: /dev/vdX only
    size_t index = size_t(b.dev[2] - 'a');
    fs::BlockDevice* dev = strlen(b.dev) == 3 && strncmp(b.dev, "vd", 2) == 0
                               ? drivers::block_device(index)
                               : nullptr;
    if (!dev) fail(b, "no such device");
    fs::FileSystem* f = nullptr;
    const char* why = "no file system this kernel can mount";
    if (fs::iso9660_probe(dev)) {
      if (fs::iso9660_mount(dev, &f, &why) < 0) f = nullptr;
    }
    if (!f) fail(b, why);
    make_dirs(b.mountpoint);
    fs::Location at;
    if (vfs().resolve(vfs().root(), b.mountpoint, fs::kFollow, &at) < 0) fail(b, "bad mount point");
    char source[16] = "/dev/";
    memcpy(source + 5, b.dev, strlen(b.dev) + 1);
    long r = vfs().mount(at, f, source, b.mountpoint);
    fs::location_put(at);
    if (r < 0) fail(b, "the mount point is not a directory, or is taken");
  }
}

}  // namespace kiln
