#include "drivers/virtio/pci_transport.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "core/console.h"
#include "core/irq.h"
#include "lib/format.h"

namespace kiln::virtio {
namespace {

constexpr uint16_t kVendorVirtio = 0x1af4;
constexpr uint8_t kCapVendor = 0x09;
constexpr uint8_t kCfgCommon = 1, kCfgNotify = 2, kCfgIsr = 3, kCfgDevice = 4;

// struct virtio_pci_common_cfg.
constexpr uint32_t kDeviceFeatureSelect = 0, kDeviceFeature = 4, kDriverFeatureSelect = 8,
                   kDriverFeature = 12, kDeviceStatus = 20, kConfigGeneration = 21,
                   kQueueSelect = 22, kQueueSize = 24, kQueueEnable = 28, kQueueNotifyOff = 30,
                   kQueueDesc = 32, kQueueDriver = 40, kQueueDevice = 48;

struct Probe {
  void (*found)(Transport* t);
};

}  // namespace

PciTransport::PciTransport(const pci::Function& f, uint32_t device_type, uint32_t gsi)
    : Transport(device_type, gsi), fn_(f) {
  format(location_, sizeof location_, "pci@%02x:%02x.%x", f.bus, f.slot, f.fn);
}

void PciTransport::probe(void (*found)(Transport* t)) {
  Probe p{found};
  pci::scan(
      [](const pci::Function& f, void* ctx) {
        if (f.vendor != kVendorVirtio || f.device < 0x1000 || f.device > 0x107f) return;
        uint32_t type = f.device >= 0x1040 ? f.device - 0x1040u : pci::read16(f, pci::kSubsystemId);
        uint8_t pin = pci::read8(f, pci::kInterruptPin), line = pci::read8(f, pci::kInterruptLine);
        auto t = new PciTransport(f, type, line);
        if (!t) return;
        if (!t->map_capabilities()) {
          kprintf("kiln: virtio %s: no virtio 1.x capabilities (legacy only): ignored\n",
                  t->location());
          delete t;
          return;
        }
        if (pin == 0 || line == 0 || line == 0xff || !irq_line_exists(line)) {
          kprintf("kiln: virtio %s: no usable INTx line (pin %u, line %u): ignored\n",
                  t->location(), pin, line);
          delete t;
          return;
        }
        pci::enable(f);
        static_cast<Probe*>(ctx)->found(t);
      },
      &p);
}

bool PciTransport::map_capabilities() {
  int guard = 0;
  for (uint8_t cap = pci::first_capability(fn_); cap && guard < 48;
       cap = pci::next_capability(fn_, cap), guard++) {
    if (pci::read8(fn_, cap) != kCapVendor) continue;
    uint8_t type = pci::read8(fn_, uint8_t(cap + 3));
    uint8_t bar = pci::read8(fn_, uint8_t(cap + 4));
    uint32_t offset = pci::read32(fn_, uint8_t(cap + 8));
    uint32_t length = pci::read32(fn_, uint8_t(cap + 12));
    if (type < kCfgCommon || type > kCfgDevice || bar > 5 || length == 0) continue;
    // The first structure of each type is the one to use (section 4.1.4).
    if ((type == kCfgCommon && common_) || (type == kCfgNotify && notify_base_) ||
        (type == kCfgIsr && isr_) || (type == kCfgDevice && device_))
      continue;
    uint64_t base = pci::bar_address(fn_, bar);
    if (!base) continue;
    auto p = static_cast<volatile uint8_t*>(paging::map_mmio(base + offset, length));
    if (type == kCfgCommon) common_ = p;
    if (type == kCfgIsr) isr_ = p;
    if (type == kCfgDevice) {
      device_ = p;
      device_length_ = length;
    }
    if (type == kCfgNotify) {
      notify_base_ = p;
      notify_length_ = length;
      notify_multiplier_ = pci::read32(fn_, uint8_t(cap + 16));
    }
  }
  return common_ && isr_ && notify_base_;
}

void PciTransport::reset() {
  set_common<uint8_t>(kDeviceStatus, 0);
  // The reset is done when the status reads back as 0 (section 4.1.4.3.2).
  for (int i = 0; i < 1000000 && common<uint8_t>(kDeviceStatus); i++) cpu::pause();
}

uint8_t PciTransport::status() { return common<uint8_t>(kDeviceStatus); }

void PciTransport::set_status(uint8_t s) { set_common<uint8_t>(kDeviceStatus, s); }

uint64_t PciTransport::device_features() {
  set_common<uint32_t>(kDeviceFeatureSelect, 0);
  uint64_t f = common<uint32_t>(kDeviceFeature);
  set_common<uint32_t>(kDeviceFeatureSelect, 1);
  return f | uint64_t(common<uint32_t>(kDeviceFeature)) << 32;
}

void PciTransport::set_driver_features(uint64_t f) {
  set_common<uint32_t>(kDriverFeatureSelect, 0);
  set_common<uint32_t>(kDriverFeature, uint32_t(f));
  set_common<uint32_t>(kDriverFeatureSelect, 1);
  set_common<uint32_t>(kDriverFeature, uint32_t(f >> 32));
}

uint16_t PciTransport::queue_max(uint16_t index) {
  if (index >= kMaxQueues) return 0;
  set_common<uint16_t>(kQueueSelect, index);
  if (common<uint16_t>(kQueueEnable)) return 0;
  uint16_t max = common<uint16_t>(kQueueSize);
  return max > Virtqueue::kMaxSize ? Virtqueue::kMaxSize : max;
}

bool PciTransport::activate_queue(uint16_t index, const Virtqueue& q) {
  set_common<uint16_t>(kQueueSelect, index);
  uint32_t at = uint32_t(common<uint16_t>(kQueueNotifyOff)) * notify_multiplier_;
  if (uint64_t(at) + 2 > notify_length_) return false;
  notify_[index] = reinterpret_cast<volatile uint16_t*>(notify_base_ + at);
  set_common<uint16_t>(kQueueSize, q.size());
  // 64-bit fields as two 32-bit halves, low first (section 4.1.3.1).
  auto set64 = [&](uint32_t off, uint64_t v) {
    set_common<uint32_t>(off, uint32_t(v));
    set_common<uint32_t>(off + 4, uint32_t(v >> 32));
  };
  set64(kQueueDesc, q.desc_address());
  set64(kQueueDriver, q.avail_address());
  set64(kQueueDevice, q.used_address());
  set_common<uint16_t>(kQueueEnable, 1);
  return true;
}

void PciTransport::notify(uint16_t index) {
  if (index < kMaxQueues && notify_[index]) *notify_[index] = index;
}

uint32_t PciTransport::ack_interrupt() { return *isr_; }

uint32_t PciTransport::config_generation() { return common<uint8_t>(kConfigGeneration); }

uint32_t PciTransport::config_read(uint32_t offset, uint32_t width) {
  if (!device_ || offset + width > device_length_) return 0;
  if (width == 4) return *reinterpret_cast<volatile uint32_t*>(device_ + offset);
  if (width == 2) return *reinterpret_cast<volatile uint16_t*>(device_ + offset);
  return device_[offset];
}

}  // namespace kiln::virtio
