// How a virtio driver reaches its device, whatever the bus: the mmio
// transport of QEMU's microvm (mmio_transport) or virtio-pci on pc and
// q35 (pci_transport). Drivers use the common sequence here: negotiate,
// setup_queue for each queue, driver_ok; then kick and ack_interrupt.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/irq.h"
#include "drivers/virtio/virtqueue.h"

namespace kiln::virtio {

class Transport {
 public:
  virtual ~Transport() = default;

  uint32_t device_type() const { return device_type_; }
  // The interrupt line and how it signals.
  uint32_t gsi() const { return gsi_; }
  IrqTrigger trigger() const { return IrqTrigger::Level; }
  // Where the device sits, for messages: "mmio@0xfeb02e00", "pci@00:03.0".
  const char* location() const { return location_; }

  // Resets the device and agrees on features: the offered ones among
  // `wanted`. VERSION_1 is required (legacy devices are refused). False,
  // with the device marked failed, when it does not accept them.
  bool negotiate(uint64_t wanted, uint64_t* agreed);
  // Gives queue `index` rings of at most `max_entries` entries (a power of
  // two) with `indirect_max` indirect descriptors per entry. False when
  // the device has no such queue or memory ran out.
  bool setup_queue(uint16_t index, Virtqueue* q, uint16_t max_entries, uint16_t indirect_max);
  void driver_ok();
  void fail();

  // Publishes q's new chains and notifies the device when it asked for
  // that. Returns whether it notified (a "kick": a VM exit).
  bool kick(uint16_t index, Virtqueue* q) {
    if (!q->publish()) return false;
    notify(index);
    return true;
  }
  // Publishes and notifies whatever the device asked (a redundant
  // notification is always allowed).
  void kick_always(uint16_t index, Virtqueue* q) {
    q->publish();
    notify(index);
  }
  // Reads and clears the interrupt status: kInterruptQueue and/or
  // kInterruptConfig, 0 when the interrupt was not this device's.
  virtual uint32_t ack_interrupt() = 0;

  // Device-specific configuration, read so that a multi-byte value is
  // never torn by a concurrent change (the generation counter). Fields of
  // 1, 2, 4 and 8 bytes are read with accesses of their own width, as the
  // mmio transport requires; anything else (a MAC address) byte by byte.
  void read_config(uint32_t offset, void* out, size_t n);
  template <typename T>
  T config(uint32_t offset) {
    T v;
    read_config(offset, &v, sizeof v);
    return v;
  }

 protected:
  Transport(uint32_t device_type, uint32_t gsi) : device_type_(device_type), gsi_(gsi) {}

  virtual void reset() = 0;
  virtual uint8_t status() = 0;
  virtual void set_status(uint8_t s) = 0;
  virtual uint64_t device_features() = 0;
  virtual void set_driver_features(uint64_t f) = 0;
  // Largest size of queue `index`; 0 when there is no such queue.
  virtual uint16_t queue_max(uint16_t index) = 0;
  virtual bool activate_queue(uint16_t index, const Virtqueue& q) = 0;
  virtual void notify(uint16_t index) = 0;
  virtual uint32_t config_generation() = 0;
  // One access of `width` bytes (1, 2 or 4) to the device configuration.
  virtual uint32_t config_read(uint32_t offset, uint32_t width) = 0;

  uint64_t features_ = 0;  // as negotiated
  uint32_t device_type_;
  uint32_t gsi_;
  char location_[24] = {};
};

}  // namespace kiln::virtio
