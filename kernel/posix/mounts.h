// Mounting the launcher's -b devices at boot (boot configuration "blk").
#pragma once

#include "core/bootcfg.h"

namespace kiln {

// Mounts each entry with a mount point; a device or file system that is
// missing ends the boot with a clear message (exit status 1).
void mount_block_devices(const BootConfig& config);

}  // namespace kiln
