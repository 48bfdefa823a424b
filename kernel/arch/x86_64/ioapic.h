// I/O APICs: where device interrupt lines (GSIs) become vectors on this CPU.
// QEMU's microvm, pc and q35 all have one at 0xfec00000 (GSIs 0-23);
// microvm with ACPI adds a second at 0xfec10000 (GSIs 24-47) for its
// virtio-mmio slots.
#pragma once

#include <stdint.h>

namespace kiln::ioapic {

enum class Trigger : uint8_t { Edge, Level };
enum class Polarity : uint8_t { ActiveHigh, ActiveLow };

// Finds the I/O APICs and masks every pin. Returns how many were found.
// Call once, after paging is up.
int init();
// Whether some I/O APIC has an input pin for `gsi`.
bool has_gsi(uint32_t gsi);
// Sends `gsi` to `vector` on this CPU (fixed delivery), left masked.
// False when no I/O APIC has the pin.
bool route(uint32_t gsi, uint8_t vector, Trigger trigger, Polarity polarity);
void mask(uint32_t gsi);
void unmask(uint32_t gsi);

}  // namespace kiln::ioapic
