// Any bytes as an ISO 9660 volume after its 32 KiB system area: mount, walk
// and read everything within bounds, then again on a device whose reads
// start failing part way. A corrupt volume may fail to mount or give -EIO,
// never crash, leak or loop. The seeds are small xorriso images
// and the crafted images of tests/unit/fs_iso9660_craft_test.cpp, with the
// system area and trailing zeros cut (KILN_ISO9660_CORPUS=DIR when running
// that test writes the crafted ones).
// Results cast to (void) are ones any outcome of is fine: the fuzzer looks
// for crashes, hangs and leaks, not for particular errors.
#include "fs/iso9660/iso9660.h"  // first: kiln's errno names before the C library's macros
#include "../unit/fs_iso9660_walk.h"

#include <string.h>

namespace {

using namespace kiln::fs;
using kiln::kEIO, kiln::kEROFS;

constexpr uint64_t kSystemArea = 32768;
constexpr uint64_t kZeroTail = 65536;  // trailing zeros the seeds had cut

class FuzzDevice final : public BlockDevice {
 public:
  FuzzDevice(const uint8_t* data, size_t size, uint32_t fail_after)
      : data_(data), size_(size), fail_after_(fail_after) {}
  long read(uint64_t sector, uint32_t count, void* buf) override {
    if (fail_after_ && ++reads_ > fail_after_) return -kEIO;
    uint64_t total = sectors();
    if (sector > total || count > total - sector) return -kEIO;
    auto out = static_cast<uint8_t*>(buf);
    uint64_t at = sector * kSectorSize, n = uint64_t(count) * kSectorSize;
    memset(out, 0, n);
    uint64_t begin = at > kSystemArea ? at : kSystemArea, end = at + n;
    if (end > kSystemArea + size_) end = kSystemArea + size_;
    if (begin < end) memcpy(out + (begin - at), data_ + (begin - kSystemArea), end - begin);
    return 0;
  }
  long write(uint64_t, uint32_t, const void*) override { return -kEROFS; }
  long flush() override { return 0; }
  uint64_t sectors() const override {
    return (kSystemArea + size_ + kZeroTail + kSectorSize - 1) / kSectorSize;
  }
  bool read_only() const override { return true; }

 private:
  const uint8_t* data_;
  size_t size_;
  uint32_t fail_after_, reads_ = 0;
};

void mount_and_walk(const uint8_t* data, size_t size, uint32_t fail_after) {
  FuzzDevice dev(data, size, fail_after);
  iso9660_probe(&dev);
  FileSystem* fs = nullptr;
  const char* why = nullptr;
  // A small file cache, so that chunks are read, kept and evicted too.
  if (iso9660_mount(&dev, &fs, &why, 4 * 64 * 1024) != 0) return;
  StatFs s;
  (void)fs->statfs(&s);
  Node* root = fs->root();
  kiln::fs::iso9660_test::WalkLimits lim;
  lim.max_depth = 6;
  lim.max_nodes = 400;
  lim.max_entries = 300;
  lim.max_read = 1 << 16;
  kiln::fs::iso9660_test::WalkStats st;
  kiln::fs::iso9660_test::walk_node(root, 0, lim, &st);
  root->put();
  delete fs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mount_and_walk(data, size, 0);
  if (size) mount_and_walk(data, size, 1 + data[size / 2] % 48u);
  return 0;
}
