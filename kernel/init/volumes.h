// The file systems a -b device may hold, as init mounts them: each is a
// module of its own (init_ext2, init_iso9660), in the kernel only when its
// bake configuration names it.
#pragma once

#include <stddef.h>

#include "core/bootcfg.h"
#include "fs/block_device.h"
#include "fs/node.h"
#include "lib/linker_set.h"

namespace kiln {

struct VolumeType {
  const char* name;  // as -b's fstype says it: "ext2"
  bool (*probe)(fs::BlockDevice* dev);
  // Mounts `dev` (/dev/vd<'a' + index>) as `b` asks; nullptr and a reason on
  // failure. A note that is not a failure (mounted read-only because...)
  // goes to the console.
  fs::FileSystem* (*mount)(const BlockEntry& b, size_t index, fs::BlockDevice* dev,
                           const char** why);
  // The machine is stopping: waits for the calls in flight and keeps new
  // ones out (nullptr: nothing to wait for).
  void (*quiesce)();
  // Whether `f` is one of this type's volumes, and unmounting one at exit
  // (taken out of the tree first): written back and marked clean, 0 or the
  // error, which it prints. unmount(nullptr) does it to every volume of the
  // type still mounted. Both nullptr: nothing to write back.
  bool (*owns)(const fs::FileSystem* f);
  long (*unmount)(fs::FileSystem* f);
};

KILN_SET_DECLARE(volume_types, VolumeType)

}  // namespace kiln
