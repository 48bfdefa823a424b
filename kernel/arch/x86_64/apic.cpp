#include "arch/x86_64/apic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/console.h"

namespace kiln::apic {
namespace {

constexpr uint64_t kApicBasePa = 0xfee00000;
constexpr uint32_t kRegId = 0x20, kRegSvr = 0xf0, kRegEoi = 0xb0, kRegLvtTimer = 0x320,
                   kRegLint0 = 0x350, kRegLint1 = 0x360, kRegLvtError = 0x370, kRegInitCount = 0x380,
                   kRegCurCount = 0x390, kRegDivide = 0x3e0, kRegTpr = 0x80;
constexpr uint32_t kMasked = 1u << 16;
constexpr uint64_t kPitHz = 1193182;
constexpr uint64_t kCalibrationHz = 500;  // a 2 ms window

volatile uint32_t* g_regs;
uint64_t g_apic_ticks_per_ms;

void write(uint32_t reg, uint32_t v) { g_regs[reg / 4] = v; }
uint32_t read(uint32_t reg) { return g_regs[reg / 4]; }

uint16_t pit_read() {
  cpu::outb(0x43, 0x00);  // latch channel 0
  uint8_t lo = cpu::inb(0x40);
  uint8_t hi = cpu::inb(0x40);
  return uint16_t(lo | hi << 8);
}

}  // namespace

uint64_t init() {
  cpu::outb(0x21, 0xff);  // mask both 8259s: all interrupts come through the APIC
  cpu::outb(0xa1, 0xff);
  g_regs = static_cast<volatile uint32_t*>(paging::map_mmio(kApicBasePa, 4096));
  cpu::wrmsr(0x1b, kApicBasePa | (1u << 11));  // IA32_APIC_BASE: enabled, xAPIC mode
  write(kRegTpr, 0);
  write(kRegLint0, kMasked);
  write(kRegLint1, kMasked);
  write(kRegLvtError, kMasked | 0xfe);
  write(kRegSvr, 0x100 | kVectorSpurious);
  write(kRegDivide, 0x3);  // divide by 16
  write(kRegLvtTimer, kMasked | kVectorTimer);

  // Count TSC and APIC ticks across 2 ms of PIT channel 0 (mode 2, free
  // running): 2386 PIT ticks, so the rates are known to 0.05%, and boot
  // stays fast.
  cpu::outb(0x43, 0x34);
  cpu::outb(0x40, 0xff);
  cpu::outb(0x40, 0xff);
  const uint32_t pit_ticks = uint32_t(kPitHz / kCalibrationHz);
  write(kRegInitCount, 0xffffffff);
  uint16_t last = pit_read();
  uint32_t elapsed = 0;
  uint64_t tsc0 = cpu::rdtsc();
  uint32_t apic0 = read(kRegCurCount);
  uint64_t spins = 0;
  while (elapsed < pit_ticks) {
    uint16_t now = pit_read();
    elapsed += uint16_t(last - now);
    last = now;
    if (++spins > 50000000) break;  // no PIT: fall back below
  }
  uint64_t tsc_delta = cpu::rdtsc() - tsc0;
  uint64_t apic_delta = apic0 - read(kRegCurCount);
  write(kRegInitCount, 0);
  // Rates over the PIT ticks that really passed: a vCPU the host
  // descheduled mid-window overshoots the 2 ms, and dividing by the
  // nominal window then made the TSC look several times faster than it is.
  uint64_t tsc_hz = tsc_delta * kPitHz / (elapsed ? elapsed : 1);
  uint64_t apic_hz = apic_delta * kPitHz / (elapsed ? elapsed : 1);
  if (elapsed < pit_ticks) {
    kprintf("kiln: warning: no 8254 PIT; assuming a 1 GHz TSC\n");
    tsc_hz = 1000000000;
    apic_hz = 62500000;
  }
  g_apic_ticks_per_ms = apic_hz / 1000;
  if (!g_apic_ticks_per_ms) g_apic_ticks_per_ms = 1;
  return tsc_hz;
}

void arm_timer_ns(uint64_t ns) {
  uint64_t ticks = ns * g_apic_ticks_per_ms / 1000000;
  if (ticks == 0) ticks = 1;
  if (ticks > 0xffffffffu) ticks = 0xffffffffu;
  write(kRegLvtTimer, kVectorTimer);  // one-shot
  write(kRegInitCount, uint32_t(ticks));
}

void eoi() { write(kRegEoi, 0); }

uint32_t id() { return read(kRegId) >> 24; }

}  // namespace kiln::apic
