// Any bytes as an ext2 volume: mount read-only and walk and read
// everything within bounds, then mount read-write, walk again changing
// things (create, write, truncate, link, symlink, rename, remove), sync and
// unmount, and mount the result once more. A corrupt volume may fail to
// mount or give -EIO/-EUCLEAN, never crash, leak or loop.
//
// The device is the input followed by zeros, 256 KiB in all, so a seed need
// not carry the trailing free space. The seeds (corpus/ext2/) are small
// mke2fs -d images: 1 and 4 KiB blocks, 128- and 256-byte inodes, revision
// 0, no filetype, a hashed directory, sparse and indirect files, fast and
// slow symlinks, hard links; trailing zero bytes cut.
// Results cast to (void) are ones any outcome of is fine: the fuzzer looks
// for crashes, hangs and leaks, not for particular errors.
#include "fs/ext2/ext2.h"  // first: kiln's errno names before the C library's macros
#include "../unit/fs_ext2_walk.h"

#include <string.h>

namespace {

using namespace kiln::fs;
using kiln::kEIO;

constexpr size_t kDeviceBytes = 256 * 1024;

class FuzzDevice final : public BlockDevice {
 public:
  explicit FuzzDevice(uint8_t* data) : data_(data) {}
  long read(uint64_t sector, uint32_t count, void* buf) override {
    if (sector > sectors() || count > sectors() - sector) return -kEIO;
    memcpy(buf, data_ + sector * kSectorSize, size_t(count) * kSectorSize);
    return 0;
  }
  long write(uint64_t sector, uint32_t count, const void* buf) override {
    if (sector > sectors() || count > sectors() - sector) return -kEIO;
    memcpy(data_ + sector * kSectorSize, buf, size_t(count) * kSectorSize);
    return 0;
  }
  long flush() override { return 0; }
  uint64_t sectors() const override { return kDeviceBytes / kSectorSize; }
  bool read_only() const override { return false; }

 private:
  uint8_t* data_;
};

Time fixed_clock() { return Time{1700000000, 5}; }

void session(uint8_t* image, bool read_only, bool writes) {
  FuzzDevice dev(image);
  ext2_probe(&dev);
  Ext2Options o;
  o.read_only = read_only;
  o.cache_bytes = 48 * 1024;  // small: evictions and write-back all along
  o.inode_cache = 8;
  o.now = fixed_clock;
  FileSystem* fs = nullptr;
  const char* why = nullptr;
  if (ext2_mount(&dev, o, &fs, &why) != 0) return;
  StatFs s;
  (void)fs->statfs(&s);
  Node* root = fs->root();
  kiln::fs::ext2_test::WalkLimits lim;
  lim.max_depth = 5;
  lim.max_nodes = 200;
  lim.max_entries = 200;
  lim.max_read = 1 << 15;
  lim.writes = writes;
  kiln::fs::ext2_test::WalkStats st;
  kiln::fs::ext2_test::walk_node(root, 0, lim, &st);
  if (writes) (void)fs->sync();
  root->put();
  ext2_unmount(fs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t* image = new uint8_t[kDeviceBytes];
  memset(image, 0, kDeviceBytes);
  memcpy(image, data, size < kDeviceBytes ? size : kDeviceBytes);
  session(image, true, false);
  session(image, false, true);
  session(image, false, false);  // what the writes left behind
  return 0;
}
