// Device interrupts: a handler per interrupt line (GSI), lines shared by
// several devices, each line on its own vector (33..254).
//
// Handlers run with interrupts off, on whatever stack was current: the
// CPU may have been idle or in user mode. They must only acknowledge their
// device and wake a thread (wait_on / wake_list / wake_thread), never do
// long work or block.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

// Finds the interrupt controllers (I/O APICs) and masks every line. Once,
// at boot, after paging and the local APIC are up.
void irq_init();
// Whether line `gsi` exists on this machine.
bool irq_line_exists(uint32_t gsi);

// Returns true when the interrupt was this device's.
using IrqHandler = bool (*)(void* ctx);

enum class IrqTrigger : uint8_t { Edge, Level };

// Adds `handler` to line `gsi` and unmasks it. Lines are active high, as
// QEMU raises them (and as the firmware's MADT describes its PCI lines).
// A shared line must be level triggered for every handler. False when the
// line does not exist, the trigger modes conflict, or a table is full.
bool irq_register(uint32_t gsi, IrqTrigger trigger, IrqHandler handler, void* ctx);

// From the trap dispatcher: runs the handlers of a device vector and
// acknowledges it to the local APIC. False when `vector` is not one of
// the device vectors.
bool irq_dispatch(uint64_t vector);

// Interrupts seen on `gsi` and how many no handler claimed. A level line
// that keeps firing with nobody claiming it is masked, with a console line.
struct IrqStats {
  uint64_t count, unclaimed;
};
IrqStats irq_stats(uint32_t gsi);

inline constexpr uint64_t kFirstDeviceVector = 33, kLastDeviceVector = 254;

}  // namespace kiln
