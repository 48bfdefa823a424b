// virtio-blk (virtio 1.x section 5.2) behind the file systems' BlockDevice.
//
// A call blocks the calling thread until its transfer is done; a large
// transfer is split into requests that are all in flight at once, and
// several threads may have requests in flight together (up to
// kMaxRequests). The interrupt handler only reaps the used ring and wakes
// the waiting threads. Before the scheduler runs (at boot, no thread to
// block) calls poll for completion instead.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/thread.h"
#include "drivers/virtio/transport.h"
#include "drivers/virtio/virtqueue.h"
#include "fs/block_device.h"

namespace kiln::virtio {

class VirtioBlk final : public fs::BlockDevice {
 public:
  // Starts the device; nullptr (with the device marked failed) when it
  // cannot be driven.
  static VirtioBlk* create(Transport* t);

  // `buf` is kernel memory (any mapping: heap, stacks, the kernel image).
  [[nodiscard]] long read(uint64_t sector, uint32_t count, void* buf) override;
  [[nodiscard]] long write(uint64_t sector, uint32_t count, const void* buf) override;
  [[nodiscard]] long flush() override;
  uint64_t sectors() const override { return capacity_; }
  bool read_only() const override { return read_only_; }
  // The device's serial (GET_ID, at most 20 characters; QEMU's
  // -device virtio-blk-...,serial=) into `out`; "" when it has none.
  // Returns 0 or -errno.
  [[nodiscard]] long serial(char* out, size_t cap);
  // Whether the device has a write cache that flush() empties.
  bool has_flush() const { return has_flush_; }

  struct Stats {
    uint64_t requests, kicks, interrupts, max_in_flight;
  };
  const Stats& stats() const { return stats_; }
  Transport* transport() const { return t_; }

  static constexpr uint16_t kMaxRequests = 32;

 private:
  struct Request;
  struct Batch;
  static constexpr uint16_t kIndirectMax = 64;
  static constexpr uint32_t kMaxSegments = kIndirectMax - 2;  // header and status take two
  static constexpr uint32_t kMaxRequestBytes = 1u << 20;

  explicit VirtioBlk(Transport* t) : t_(t) {}
  bool start();
  [[nodiscard]] long transfer(uint32_t type, uint64_t sector, uint32_t count, uint8_t* buf);
  // Queues one request for up to `bytes` of `buf`; returns the bytes it
  // covers (a multiple of 512; 1 for a flush), 0 when no request or
  // descriptor is free, or -errno (-EFAULT: `buf` is not kernel memory).
  [[nodiscard]] long submit(Batch& b, uint32_t type, uint64_t sector, uint8_t* buf, uint64_t bytes);
  void wait(Batch& b);
  void wait_for_room();
  void reap();
  static bool on_interrupt(void* self);
  uint64_t request_address(const Request* r, size_t field_offset) const;

  Transport* t_;
  Virtqueue q_;
  DmaRegion requests_mem_;
  Request* requests_ = nullptr;
  uint16_t in_flight_ = 0;
  uint64_t capacity_ = 0;
  bool read_only_ = false, has_flush_ = false;
  uint32_t max_segments_ = kMaxSegments;
  uint32_t max_segment_bytes_ = kMaxRequestBytes;
  WaitList room_waiters_;  // threads waiting for a free request or descriptors
  Stats stats_ = {};
};

// The driver behind a block device this driver started (nullptr for any
// other), for its statistics.
VirtioBlk* virtio_blk_of(fs::BlockDevice* dev);

}  // namespace kiln::virtio
