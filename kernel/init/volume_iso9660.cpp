// ISO 9660 volumes: read-only, nothing to write back at exit.
#include "core/memory.h"
#include "fs/iso9660/iso9660.h"
#include "init/volumes.h"

namespace kiln {
namespace {

fs::FileSystem* mount(const BlockEntry&, size_t, fs::BlockDevice* dev, const char** why) {
  fs::FileSystem* f = nullptr;
  // File data kept for later reads: a sixteenth of RAM per volume.
  if (fs::iso9660_mount(dev, &f, why, total_ram_bytes() / 16) < 0) return nullptr;
  return f;
}

KILN_SET_ENTRY(volume_types, VolumeType, g_type) = {"iso9660", fs::iso9660_probe, mount, nullptr,
                                                     nullptr, nullptr};

}  // namespace
}  // namespace kiln
