#include "posix/mounts.h"

#include "core/console.h"
#include "core/panic.h"

namespace kiln {

void mount_block_devices(const BootConfig& config) {
  for (size_t i = 0; i < config.nblk; i++) {
    const BlockEntry& b = config.blk[i];
    if (!b.mountpoint) continue;  // a raw device: /dev/vdX only
    // File system drivers plug in here as they arrive (ext2, iso9660).
    kprintf("kiln: cannot mount /dev/%s on %s: this kernel has no %s driver\n", b.dev,
            b.mountpoint, b.fstype);
    machine_exit(1);
  }
}

}  // namespace kiln
