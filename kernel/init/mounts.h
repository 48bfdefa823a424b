// Mounting the launcher's -b devices at boot (boot configuration "blk").
#pragma once

#include "core/bootcfg.h"

namespace kiln {

// Mounts each entry with a mount point; a device or file system that is
// missing ends the boot with a clear message (exit status 1).
void mount_block_devices(const BootConfig& config);

// At exit, before the program's other threads are stopped: waits for the
// file-system operations in flight (a thread may be waiting for the disk
// in the middle of one) and keeps new ones out, so no volume is left
// locked by a thread that will never run again.
void quiesce_block_devices();

// At exit, after the program's files are closed and the file systems
// synced: writable ext2 volumes are written back, marked clean and taken
// out of the tree. Returns 0 or the first error (each is printed).
[[nodiscard]] long unmount_block_devices();

}  // namespace kiln
