// PCI configuration space through the legacy ports 0xcf8/0xcfc, and a scan
// of bus 0 and the buses behind PCI-to-PCI bridges, as the firmware
// (SeaBIOS on QEMU's pc and q35) numbered and programmed them.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::pci {

struct Function {
  uint8_t bus, slot, fn;
  uint16_t vendor, device;
};

uint8_t read8(const Function& f, uint8_t offset);
uint16_t read16(const Function& f, uint8_t offset);
uint32_t read32(const Function& f, uint8_t offset);
void write16(const Function& f, uint8_t offset, uint16_t v);
void write32(const Function& f, uint8_t offset, uint32_t v);

// Whether the machine has a PCI host bridge behind the legacy ports (pc,
// q35; not microvm).
bool present();
// Calls found() for every function present. Does nothing without a host
// bridge.
void scan(void (*found)(const Function& f, void* ctx), void* ctx);

// The physical address of memory BAR `bar` (both halves of a 64-bit BAR);
// 0 when it is an I/O BAR or unassigned.
uint64_t bar_address(const Function& f, int bar);

// The capability list: offsets of the entries, 0 at the end.
uint8_t first_capability(const Function& f);
uint8_t next_capability(const Function& f, uint8_t at);

// Turns on memory decoding and bus mastering, and lets the function raise
// its INTx line.
void enable(const Function& f);

// Common configuration offsets.
inline constexpr uint8_t kSubsystemId = 0x2e, kInterruptLine = 0x3c, kInterruptPin = 0x3d;

}  // namespace kiln::pci
