#include "drivers/virtio/mmio_transport.h"

#include "arch/x86_64/paging.h"
#include "core/boot_info.h"
#include "core/console.h"
#include "core/irq.h"
#include "lib/format.h"

namespace kiln::virtio {
namespace {

// Register offsets (virtio 1.x section 4.2.2).
constexpr uint32_t kMagic = 0x000, kVersion = 0x004, kDeviceId = 0x008, kDeviceFeatures = 0x010,
                   kDeviceFeaturesSel = 0x014, kDriverFeatures = 0x020,
                   kDriverFeaturesSel = 0x024, kQueueSel = 0x030, kQueueNumMax = 0x034,
                   kQueueNum = 0x038, kQueueReady = 0x044, kQueueNotify = 0x050,
                   kInterruptStatus = 0x060, kInterruptAck = 0x064, kStatus = 0x070,
                   kQueueDescLow = 0x080, kQueueDescHigh = 0x084, kQueueDriverLow = 0x090,
                   kQueueDriverHigh = 0x094, kQueueDeviceLow = 0x0a0, kQueueDeviceHigh = 0x0a4,
                   kConfigGeneration = 0x0fc, kConfig = 0x100;
constexpr uint32_t kMagicValue = 0x74726976;  // "virt"

// QEMU's microvm (hw/i386/microvm.c): the slots start at 0xfeb00000; with
// its second I/O APIC (the default when ACPI is on) there are 24 of them on
// GSIs 24..47, otherwise 8, on GSIs 16..23 with ACPI and 5..12 without.
constexpr uint64_t kBase = 0xfeb00000, kSlotSize = 512;
constexpr int kMaxSlots = 24;

uint32_t first_gsi(int slots) {
  if (slots > 8 && irq_line_exists(24)) return 24;
  return boot_acpi_rsdp() ? 16 : 5;
}

// QEMU's I/O APIC model routes its pin 0 to pin 2, as the PC's timer
// override wants (hw/intc/ioapic.c), on the second I/O APIC too: slot 0's
// interrupt arrives on slot 2's line, which the two then share.
uint32_t gsi_of(uint32_t gsi_base, int slot) {
  return gsi_base + uint32_t(slot == 0 && gsi_base == 24 ? 2 : slot);
}

}  // namespace

MmioTransport::MmioTransport(volatile uint32_t* regs, uint64_t pa, uint32_t device_type,
                             uint32_t gsi)
    : Transport(device_type, gsi), regs_(regs) {
  format(location_, sizeof location_, "mmio@%#lx", pa);
}

void MmioTransport::probe(void (*found)(Transport* t)) {
  auto window = static_cast<volatile uint8_t*>(paging::map_mmio(kBase, kMaxSlots * kSlotSize));
  auto slot_regs = [&](int i) {
    return reinterpret_cast<volatile uint32_t*>(window + i * kSlotSize);
  };
  // Every transport answers the magic, with device id 0 when empty; an
  // address with nothing behind it reads as zero.
  int slots = 0;
  while (slots < kMaxSlots && slot_regs(slots)[kMagic / 4] == kMagicValue) slots++;
  if (slots == 0) return;
  uint32_t gsi_base = first_gsi(slots);
  for (int i = slots - 1; i >= 0; i--) {
    volatile uint32_t* regs = slot_regs(i);
    uint32_t id = regs[kDeviceId / 4];
    if (id == 0) continue;
    uint64_t pa = kBase + uint64_t(i) * kSlotSize;
    if (regs[kVersion / 4] != 2) {
      kprintf("kiln: virtio-mmio@%#lx: legacy (version %u) device ignored; "
              "QEMU needs -global virtio-mmio.force-legacy=false\n",
              pa, regs[kVersion / 4]);
      continue;
    }
    auto t = new MmioTransport(regs, pa, id, gsi_of(gsi_base, i));
    if (t) found(t);
  }
}

void MmioTransport::reset() { set(kStatus, 0); }

uint8_t MmioTransport::status() { return uint8_t(reg(kStatus)); }

void MmioTransport::set_status(uint8_t s) { set(kStatus, s); }

uint64_t MmioTransport::device_features() {
  set(kDeviceFeaturesSel, 0);
  uint64_t f = reg(kDeviceFeatures);
  set(kDeviceFeaturesSel, 1);
  return f | uint64_t(reg(kDeviceFeatures)) << 32;
}

void MmioTransport::set_driver_features(uint64_t f) {
  set(kDriverFeaturesSel, 0);
  set(kDriverFeatures, uint32_t(f));
  set(kDriverFeaturesSel, 1);
  set(kDriverFeatures, uint32_t(f >> 32));
}

uint16_t MmioTransport::queue_max(uint16_t index) {
  set(kQueueSel, index);
  if (reg(kQueueReady)) return 0;  // already in use
  uint32_t max = reg(kQueueNumMax);
  return uint16_t(max > Virtqueue::kMaxSize ? Virtqueue::kMaxSize : max);
}

bool MmioTransport::activate_queue(uint16_t index, const Virtqueue& q) {
  set(kQueueSel, index);
  set(kQueueNum, q.size());
  set(kQueueDescLow, uint32_t(q.desc_address()));
  set(kQueueDescHigh, uint32_t(q.desc_address() >> 32));
  set(kQueueDriverLow, uint32_t(q.avail_address()));
  set(kQueueDriverHigh, uint32_t(q.avail_address() >> 32));
  set(kQueueDeviceLow, uint32_t(q.used_address()));
  set(kQueueDeviceHigh, uint32_t(q.used_address() >> 32));
  set(kQueueReady, 1);
  return reg(kQueueReady) == 1;
}

void MmioTransport::notify(uint16_t index) { set(kQueueNotify, index); }

uint32_t MmioTransport::ack_interrupt() {
  uint32_t s = reg(kInterruptStatus);
  if (s) set(kInterruptAck, s);
  return s;
}

uint32_t MmioTransport::config_generation() { return reg(kConfigGeneration); }

uint32_t MmioTransport::config_read(uint32_t offset, uint32_t width) {
  auto base = reinterpret_cast<volatile uint8_t*>(regs_) + kConfig + offset;
  if (width == 4) return *reinterpret_cast<volatile uint32_t*>(base);
  if (width == 2) return *reinterpret_cast<volatile uint16_t*>(base);
  return *base;
}

}  // namespace kiln::virtio
