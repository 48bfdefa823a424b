// Test-only block devices: a host image file, and bytes in memory. Both
// read-only unless asked, with a counter of device reads.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "fs/block_device.h"

namespace kiln::fs::iso9660_test {

class FileBlockDevice final : public BlockDevice {
 public:
  explicit FileBlockDevice(const std::string& path, bool writable = false)
      : fd_(::open(path.c_str(), writable ? O_RDWR : O_RDONLY)), writable_(writable) {
    if (fd_ >= 0) {
      off_t end = ::lseek(fd_, 0, SEEK_END);
      sectors_ = end > 0 ? uint64_t(end) / kSectorSize : 0;
    }
  }
  ~FileBlockDevice() override {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  long read(uint64_t sector, uint32_t count, void* buf) override {
    reads++;
    if (sector > sectors_ || count > sectors_ - sector) return -EIO;
    size_t n = size_t(count) * kSectorSize;
    return ::pread(fd_, buf, n, off_t(sector * kSectorSize)) == ssize_t(n) ? 0 : -EIO;
  }
  long write(uint64_t sector, uint32_t count, const void* buf) override {
    if (!writable_) return -EROFS;
    if (sector > sectors_ || count > sectors_ - sector) return -EIO;
    size_t n = size_t(count) * kSectorSize;
    return ::pwrite(fd_, buf, n, off_t(sector * kSectorSize)) == ssize_t(n) ? 0 : -EIO;
  }
  long flush() override { return ::fsync(fd_) == 0 ? 0 : -EIO; }
  uint64_t sectors() const override { return sectors_; }
  bool read_only() const override { return !writable_; }

  uint64_t reads = 0;

 private:
  int fd_;
  bool writable_;
  uint64_t sectors_ = 0;
};

// Reads from a byte range it does not own; a partial last sector reads as zeros.
class MemBlockDevice final : public BlockDevice {
 public:
  MemBlockDevice(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit MemBlockDevice(const std::vector<uint8_t>& v) : MemBlockDevice(v.data(), v.size()) {}

  long read(uint64_t sector, uint32_t count, void* buf) override {
    reads++;
    if (fail_after && reads > fail_after) return -EIO;
    uint64_t total = sectors();
    if (sector > total || count > total - sector) return -EIO;
    uint64_t off = sector * kSectorSize, n = uint64_t(count) * kSectorSize;
    uint64_t have = off < size_ ? size_ - off : 0;
    if (have > n) have = n;
    std::memcpy(buf, data_ + off, size_t(have));
    std::memset(static_cast<uint8_t*>(buf) + have, 0, size_t(n - have));
    return 0;
  }
  long write(uint64_t, uint32_t, const void*) override { return -EROFS; }
  long flush() override { return 0; }
  uint64_t sectors() const override { return (size_ + kSectorSize - 1) / kSectorSize; }
  bool read_only() const override { return true; }

  uint64_t reads = 0;
  uint64_t fail_after = 0;  // nonzero: reads after this many fail with -EIO

 private:
  const uint8_t* data_;
  size_t size_;
};

}  // namespace kiln::fs::iso9660_test
