// The virtio-mmio transport (version 2, virtio 1.x section 4.2), as QEMU's
// microvm machine offers it: 512-byte register windows from 0xfeb00000,
// each with its own interrupt line.
#pragma once

#include <stdint.h>

#include "drivers/virtio/transport.h"

namespace kiln::virtio {

class MmioTransport final : public Transport {
 public:
  // Probes the microvm slots, from the highest down (QEMU fills them from
  // the top, so this is the order of the -device options), and calls
  // found() for every device that answers. Legacy (version 1) devices are
  // reported on the console and skipped.
  static void probe(void (*found)(Transport* t));

  uint32_t ack_interrupt() override;

 private:
  MmioTransport(volatile uint32_t* regs, uint64_t pa, uint32_t device_type, uint32_t gsi);

  void reset() override;
  uint8_t status() override;
  void set_status(uint8_t s) override;
  uint64_t device_features() override;
  void set_driver_features(uint64_t f) override;
  uint16_t queue_max(uint16_t index) override;
  bool activate_queue(uint16_t index, const Virtqueue& q) override;
  void notify(uint16_t index) override;
  uint32_t config_generation() override;
  uint32_t config_read(uint32_t offset, uint32_t width) override;

  uint32_t reg(uint32_t off) const { return regs_[off / 4]; }
  void set(uint32_t off, uint32_t v) { regs_[off / 4] = v; }

  volatile uint32_t* regs_;
};

}  // namespace kiln::virtio
