#include "drivers/pci/pci.h"

#include "arch/x86_64/cpu.h"

namespace kiln::pci {
namespace {

constexpr uint16_t kAddressPort = 0xcf8, kDataPort = 0xcfc;
constexpr uint8_t kVendor = 0x00, kCommand = 0x04, kStatus = 0x06, kClass = 0x0a,
                  kHeaderType = 0x0e, kBar0 = 0x10, kSecondaryBus = 0x19, kCapabilities = 0x34;
constexpr uint16_t kCommandMemory = 1 << 1, kCommandBusMaster = 1 << 2,
                   kCommandIntxDisable = 1 << 10, kStatusCapabilities = 1 << 4;

void select(const Function& f, uint8_t offset) {
  cpu::outl(kAddressPort, 0x80000000u | uint32_t(f.bus) << 16 | uint32_t(f.slot) << 11 |
                              uint32_t(f.fn) << 8 | (offset & 0xfc));
}

struct Scan {
  void (*found)(const Function&, void*);
  void* ctx;
  uint64_t seen[4];  // buses already scanned (a bridge loop must not recurse forever)
};

void scan_bus(Scan& s, uint8_t bus);

void scan_function(Scan& s, uint8_t bus, uint8_t slot, uint8_t fn) {
  Function f{bus, slot, fn, 0, 0};
  f.vendor = read16(f, kVendor);
  if (f.vendor == 0xffff) return;
  f.device = read16(f, kVendor + 2);
  s.found(f, s.ctx);
  // A PCI-to-PCI bridge: the firmware numbered the bus behind it.
  if (read16(f, kClass) == 0x0604 && (read8(f, kHeaderType) & 0x7f) == 1) {
    uint8_t secondary = read8(f, kSecondaryBus);
    if (secondary) scan_bus(s, secondary);
  }
}

void scan_bus(Scan& s, uint8_t bus) {
  if (s.seen[bus / 64] >> (bus % 64) & 1) return;
  s.seen[bus / 64] |= 1ull << (bus % 64);
  for (uint8_t slot = 0; slot < 32; slot++) {
    Function f0{bus, slot, 0, 0, 0};
    if (read16(f0, kVendor) == 0xffff) continue;
    int fns = read8(f0, kHeaderType) & 0x80 ? 8 : 1;
    for (uint8_t fn = 0; fn < fns; fn++) scan_function(s, bus, slot, fn);
  }
}

}  // namespace

uint8_t read8(const Function& f, uint8_t offset) {
  select(f, offset);
  return cpu::inb(uint16_t(kDataPort + (offset & 3)));
}

uint16_t read16(const Function& f, uint8_t offset) {
  select(f, offset);
  return cpu::inw(uint16_t(kDataPort + (offset & 2)));
}

uint32_t read32(const Function& f, uint8_t offset) {
  select(f, offset);
  return cpu::inl(kDataPort);
}

void write16(const Function& f, uint8_t offset, uint16_t v) {
  select(f, offset);
  cpu::outw(uint16_t(kDataPort + (offset & 2)), v);
}

void write32(const Function& f, uint8_t offset, uint32_t v) {
  select(f, offset);
  cpu::outl(kDataPort, v);
}

// The host bridge is 00:00.0; without the ports the read is all ones.
bool present() { return read16(Function{0, 0, 0, 0, 0}, kVendor) != 0xffff; }

void scan(void (*found)(const Function& f, void* ctx), void* ctx) {
  if (!present()) return;
  Scan s{found, ctx, {}};
  scan_bus(s, 0);
}

uint64_t bar_address(const Function& f, int bar) {
  if (bar < 0 || bar > 5) return 0;
  auto offset = uint8_t(kBar0 + 4 * bar);
  uint32_t low = read32(f, offset);
  if (low & 1) return 0;  // I/O space
  uint64_t addr = low & ~0xfu;
  if ((low >> 1 & 3) == 2 && bar < 5) addr |= uint64_t(read32(f, uint8_t(offset + 4))) << 32;
  return addr;
}

uint8_t first_capability(const Function& f) {
  if (!(read16(f, kStatus) & kStatusCapabilities)) return 0;
  return read8(f, kCapabilities) & 0xfc;
}

uint8_t next_capability(const Function& f, uint8_t at) { return read8(f, uint8_t(at + 1)) & 0xfc; }

void enable(const Function& f) {
  uint16_t cmd = read16(f, kCommand);
  cmd = uint16_t((cmd | kCommandMemory | kCommandBusMaster) & ~kCommandIntxDisable);
  write16(f, kCommand, cmd);
}

}  // namespace kiln::pci
