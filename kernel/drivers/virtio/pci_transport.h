// The virtio-pci transport, modern interface (virtio 1.x section 4.1):
// the common, notify, ISR and device configuration structures found
// through vendor capabilities, in memory BARs the firmware assigned;
// interrupts through INTx on the line the firmware programmed.
#pragma once

#include <stdint.h>

#include "drivers/pci/pci.h"
#include "drivers/virtio/transport.h"

namespace kiln::virtio {

class PciTransport final : public Transport {
 public:
  // Scans PCI for virtio functions (vendor 0x1af4: modern device ids
  // 0x1040 + type, and transitional 0x1000..0x103f with the modern
  // capabilities) and calls found() for each.
  static void probe(void (*found)(Transport* t));

  uint32_t ack_interrupt() override;

 private:
  static constexpr uint16_t kMaxQueues = 8;

  PciTransport(const pci::Function& f, uint32_t device_type, uint32_t gsi);
  bool map_capabilities();

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

  template <typename T>
  T common(uint32_t offset) const {
    return *reinterpret_cast<volatile T*>(common_ + offset);
  }
  template <typename T>
  void set_common(uint32_t offset, T v) {
    *reinterpret_cast<volatile T*>(common_ + offset) = v;
  }

  pci::Function fn_;
  volatile uint8_t* common_ = nullptr;
  volatile uint8_t* isr_ = nullptr;
  volatile uint8_t* device_ = nullptr;
  uint32_t device_length_ = 0;
  volatile uint8_t* notify_base_ = nullptr;
  uint32_t notify_length_ = 0, notify_multiplier_ = 0;
  volatile uint16_t* notify_[kMaxQueues] = {};
};

}  // namespace kiln::virtio
