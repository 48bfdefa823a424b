// ISO 9660 (ECMA-119), read-only, with Rock Ridge (SUSP/RRIP: names, modes,
// owners, links, symlinks, device numbers, times, continuation areas and
// relocated directories) and Joliet (UCS-2 names, used when there is no
// Rock Ridge). Without either, names read as Linux's map=normal shows them.
// The media is untrusted: a corrupt image gives -EIO, never a crash or an
// unbounded walk. Portable: unit-tested and fuzzed on the host.
//
//   if (iso9660_probe(dev)) {
//     FileSystem* fs;
//     const char* why;
//     if (long r = iso9660_mount(dev, &fs, &why)) print("iso9660: ", why);
//     ...
//     delete fs;  // after every node is put
//   }
#pragma once

#include "fs/block_device.h"
#include "fs/node.h"

namespace kiln::fs {

// Whether `dev` starts like an ISO 9660 volume: the standard identifier
// "CD001" in the volume descriptor at 32 KiB. One 2048-byte read.
bool iso9660_probe(BlockDevice* dev);

// Mounts the volume on `dev` (which must outlive the file system): 0 and
// *out, or -EINVAL (not ISO 9660, unsupported block size), -EIO (unreadable
// or corrupt volume descriptors or root directory), -ENOMEM; *why (when not
// null) then names the reason in a short phrase. The file system is
// read-only; deleting it releases its cache and root, and must come after
// every other node of it has been put. Up to `file_cache` bytes of file
// data stay in memory for later reads (0: every read of file data goes to
// the device).
long iso9660_mount(BlockDevice* dev, FileSystem** out, const char** why, size_t file_cache = 0);

}  // namespace kiln::fs
