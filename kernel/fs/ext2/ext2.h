// ext2 (revisions 0 and 1), read-write, behind fs/node.h. Portable: the same
// sources build into the kernel, the host unit tests and the fuzzer.
//
// Mounting:
//
//   FileSystem* fs;
//   const char* why = nullptr;
//   long r = ext2_mount(dev, /*read_only=*/false, &fs, &why);
//   if (r < 0) print("ext2: cannot mount: ", why);      // -EINVAL, -EIO, -EUCLEAN, -ENOMEM
//   else if (why) print("ext2: ", why);                 // a note: e.g. mounted read-only because...
//   ... fs->root(), vfs().mount(...) ...
//   fs->sync();                 // sync(2), syncfs(2): everything dirty to the device, then flush
//   ext2_unmount(fs);           // at exit: sync, mark clean, delete (after every node is put)
//
// What mounts, and how:
//   - refused (-EINVAL, *why says which): not ext2 (magic), revision > 1,
//     blocks larger than 4 KiB, any incompatible feature other than filetype
//     and flex_bg (journal needing recovery, extents, 64bit, meta_bg,
//     inline_data, compression, journal_dev, mmp, encrypt, casefold...);
//     inconsistent geometry (-EUCLEAN); a volume larger than the device.
//   - read-only, with a note in *why: asked for; the device is read-only;
//     an ext3 journal (has_journal; writing would bypass it); read-only
//     compatible features other than sparse_super, large_file, btree_dir,
//     dir_nlink and extra_isize (metadata_csum, gdt_csum, huge_file, quota...).
//   - read-write otherwise. The volume is marked "not clean" on the device
//     while mounted, and clean again by ext2_unmount when it was clean at mount.
//
// The device must outlive the file system. Errors are negative Linux errno
// values; a corrupt volume gives -EIO or -EUCLEAN (117) for the operation
// that meets the damage, never a crash or an unbounded walk, and marks the
// volume as having errors (s_state) when it is written back.
//
// Threads: kiln's kernel threads are cooperative, but a device transfer
// blocks the caller and lets another thread run. Every operation of one file
// system runs under a sleeping lock given in Ext2Options (none on the host).
// Node::put() never blocks: a node whose last reference goes is freed (and,
// when unlinked, its inode and blocks released) by the next operation.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/block_device.h"
#include "fs/node.h"

namespace kiln::fs {

struct Ext2Options {
  bool read_only = false;
  // Block cache memory bound in bytes (write-back; see fs/block_cache.h).
  size_t cache_bytes = 4 << 20;
  // Unreferenced inodes kept in memory for reuse.
  uint32_t inode_cache = 256;
  // Current time for timestamps (nullptr: 0). The kernel passes the clock
  // it gives tmpfs (fs::set_clock).
  Time (*now)() = nullptr;
  // A sleeping lock: both or neither. `lock_ctx` is passed to both.
  void (*lock)(void* ctx) = nullptr;
  void (*unlock)(void* ctx) = nullptr;
  void* lock_ctx = nullptr;
};

// Whether `dev` looks like ext2/3/4: the magic in the superblock. One read.
bool ext2_probe(BlockDevice* dev);

// Mounts the volume on `dev`: 0 and *out, or -errno. *why (when not null)
// receives a short reason on failure, or a note on success (nullptr when
// there is nothing to say): read-only mounts that were not asked for,
// a volume that was not cleanly unmounted or has errors recorded.
long ext2_mount(BlockDevice* dev, bool read_only, FileSystem** out, const char** why);
long ext2_mount(BlockDevice* dev, const Ext2Options& options, FileSystem** out,
                const char** why);

// Writes everything back, marks the volume clean (if it was clean when
// mounted and no error was met), flushes the device and deletes the file
// system: 0 or the first error (it is deleted either way). Every node must
// have been put. Deleting an ext2 FileSystem directly does the same,
// without the result.
long ext2_unmount(FileSystem* fs);

}  // namespace kiln::fs
