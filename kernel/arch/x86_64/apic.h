// Local APIC (xAPIC) timer and the legacy timers used to calibrate it.
#pragma once

#include <stdint.h>

namespace kiln::apic {

// Masks the 8259 PICs, enables the local APIC, calibrates the TSC and the
// APIC timer against the 8254 PIT. Returns the TSC frequency in Hz.
uint64_t init();
// One-shot timer interrupt on kVectorTimer after `ns` nanoseconds.
void arm_timer_ns(uint64_t ns);
void eoi();
// This CPU's local APIC id (the destination for routed interrupts).
uint32_t id();

}  // namespace kiln::apic
