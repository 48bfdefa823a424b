// `kiln run -b HOSTPATH[,MOUNTPOINT][,ro]`: host images attached as
// virtio-blk devices /dev/vda, /dev/vdb... (docs/internals.md, "Boot
// configuration", and docs/user-guide.md).
#pragma once

#include <string>
#include <vector>

#include "util.h"

namespace kiln::cli {

struct BlockDevice {
  fs::path file;           // absolute host path
  std::string dev;         // "vda", "vdb", ...
  std::string serial;      // "kiln-vda": how the kernel tells the devices apart
  std::string mountpoint;  // "" = an unmounted raw device
  std::string fstype;      // what the host found: "ext2", "iso9660" or "raw"
  bool read_only = false;  // ",ro" given, or an ISO 9660 image
};

// A -b spec taken apart, before its file is looked at.
struct BlockSpec {
  std::string host;        // the host path as written, commas and all
  std::string mountpoint;  // normalized ("/data"); "" = none
  bool read_only = false;  // ",ro" given
};

// HOSTPATH[,MOUNTPOINT][,ro]. Throws UsageError for a malformed spec or a
// mount point kiln refuses (/, /dev, /proc, "..").
BlockSpec parse_block_spec(const std::string& spec);

// Parses the -b spec SPEC of the INDEXth device (0 = vda) and looks at the
// file. Throws UsageError for a malformed spec, Failure for a file that
// cannot be used (missing, unreadable, not writable without ",ro", a mount
// point on an image with no file system kiln knows).
BlockDevice parse_block_device(const std::string& spec, size_t index);

// Checks the devices against each other: one file attached twice, one mount
// point used twice, a mount point below one mounted later (which would hide
// it). Throws UsageError.
void check_block_devices(const std::vector<BlockDevice>& devices);

// "ext2" (ext2/3/4 superblock magic 0xEF53 at byte 1080), "iso9660"
// ("CD001" at byte 32769, the first volume descriptor), else "raw".
std::string detect_fstype(int fd);

}  // namespace kiln::cli
