// /dev/vda, /dev/vdb ...: block devices opened as files (raw access, and
// what file systems are mounted from). Unaligned I/O goes through a sector
// bounce; the device's own requests are whole sectors.
#include "core/heap.h"
#include "drivers/devices.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/ioctl.h"
#include "mm/uaccess.h"
#include "file/vfs.h"

namespace kiln {
namespace {

constexpr size_t kChunk = 65536;
constexpr uint32_t kSector = fs::BlockDevice::kSectorSize;

class BlockFile final : public File {
 public:
  BlockFile(fs::BlockDevice* dev, uint32_t flags) : dev_(dev) { status_flags = flags; }

  long read(uint64_t buf, size_t n) override { return advance(pread(buf, n, offset_)); }
  long write(uint64_t buf, size_t n) override { return advance(pwrite(buf, n, offset_)); }
  long pread(uint64_t buf, size_t n, uint64_t off) override { return io(buf, n, off, false); }
  long pwrite(uint64_t buf, size_t n, uint64_t off) override {
    if (dev_->read_only()) return -kEROFS;
    return io(buf, n, off, true);
  }
  long seek(int64_t off, int whence) override {
    int64_t base = whence == kSEEK_SET   ? 0
                   : whence == kSEEK_CUR ? int64_t(offset_)
                   : whence == kSEEK_END ? int64_t(size())
                                         : -1;
    if (base < 0 || base + off < 0) return -kEINVAL;
    offset_ = uint64_t(base + off);
    return int64_t(offset_);
  }
  long sync() override { return dev_->flush(); }
  long stat(Stat* st) override {
    *st = Stat{};
    st->mode = kS_IFBLK | 0660;
    st->nlink = 1;
    st->blksize = 4096;
    st->rdev = rdev_;
    return 0;
  }
  long ioctl(uint64_t cmd, uint64_t arg) override {
    switch (cmd) {
      case kBLKGETSIZE64: return put_user(arg, size()) ? 0 : -kEFAULT;
      case kBLKGETSIZE: return put_user(arg, uint64_t(dev_->sectors())) ? 0 : -kEFAULT;
      case kBLKSSZGET: return put_user(arg, int32_t(kSector)) ? 0 : -kEFAULT;
      case kBLKROGET: return put_user(arg, int32_t(dev_->read_only())) ? 0 : -kEFAULT;
      case kBLKFLSBUF: return dev_->flush();
      default: return -kENOTTY;
    }
  }
  uint64_t rdev_ = 0;

 private:
  uint64_t size() const { return dev_->sectors() * kSector; }
  long advance(long r) {
    if (r > 0) offset_ += uint64_t(r);
    return r;
  }

  // Whole sectors around [off, off + n), a chunk at a time.
  long io(uint64_t ubuf, size_t n, uint64_t off, bool writing) {
    if (off >= size()) return writing && n ? -kENOSPC : 0;
    if (n > size() - off) n = size_t(size() - off);
    auto bounce = static_cast<uint8_t*>(kmalloc(kChunk + kSector));
    if (!bounce) return -kENOMEM;
    size_t done = 0;
    long err = 0;
    while (done < n) {
      uint64_t at = off + done;
      uint64_t first = at / kSector, skip = at % kSector;
      size_t len = n - done < kChunk - skip ? n - done : size_t(kChunk - skip);
      uint32_t count = uint32_t((skip + len + kSector - 1) / kSector);
      bool partial = skip || (skip + len) % kSector;
      if (!writing || partial) err = dev_->read(first, count, bounce);
      if (!err && writing) {
        if (!copy_from_user(bounce + skip, ubuf + done, len)) err = -kEFAULT;
        else err = dev_->write(first, count, bounce);
      } else if (!err && !copy_to_user(ubuf + done, bounce + skip, len)) {
        err = -kEFAULT;
      }
      if (err) break;
      done += len;
    }
    kfree(bounce);
    return done ? long(done) : err;
  }

  fs::BlockDevice* dev_;
  uint64_t offset_ = 0;
};

}  // namespace

long open_block_device(uint64_t rdev, uint32_t flags, File** out) {
  fs::BlockDevice* dev = drivers::block_device(rdev & 0xff);
  if ((rdev >> 8) != kBlockMajor || !dev) return -kENXIO;
  if ((flags & kO_ACCMODE) != kO_RDONLY && dev->read_only()) return -kEROFS;
  auto f = new BlockFile(dev, flags);
  if (!f) return -kENOMEM;
  f->rdev_ = rdev;
  *out = f;
  return 0;
}

}  // namespace kiln
