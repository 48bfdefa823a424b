// The boundary between block drivers (virtio-blk; a host file in tests) and
// file systems. Sizes are in 512-byte sectors; calls block the calling
// thread until the transfer is done. Portable: no kernel headers.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::fs {

class BlockDevice {
 public:
  static constexpr uint32_t kSectorSize = 512;
  virtual ~BlockDevice() = default;
  // 0 or -errno (-EIO on a device error, -EROFS writing a read-only device).
  [[nodiscard]] virtual long read(uint64_t sector, uint32_t count, void* buf) = 0;
  [[nodiscard]] virtual long write(uint64_t sector, uint32_t count, const void* buf) = 0;
  // Makes completed writes durable (VIRTIO_BLK_F_FLUSH); 0 or -errno.
  [[nodiscard]] virtual long flush() = 0;
  virtual uint64_t sectors() const = 0;
  virtual bool read_only() const = 0;
};

}  // namespace kiln::fs
