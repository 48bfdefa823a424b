#include "arch/x86_64/ioapic.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/paging.h"

namespace kiln::ioapic {
namespace {

// Where QEMU puts them (hw/i386/x86.c IO_APIC_DEFAULT_ADDRESS, microvm's
// IO_APIC_SECONDARY_ADDRESS); each serves the GSIs after the previous one's.
constexpr uint64_t kCandidates[] = {0xfec00000, 0xfec10000};
constexpr int kMax = 2;
constexpr uint32_t kRegVersion = 0x01, kRegRedirect = 0x10;
constexpr uint32_t kMasked = 1u << 16, kLevel = 1u << 15, kActiveLow = 1u << 13;

struct IoApic {
  volatile uint32_t* regs;  // IOREGSEL at 0x00, IOWIN at 0x10
  uint32_t gsi_base;
  uint32_t pins;
};

IoApic g_ioapics[kMax];
int g_count;

uint32_t read(const IoApic& a, uint32_t reg) {
  a.regs[0] = reg;
  return a.regs[4];
}

void write(const IoApic& a, uint32_t reg, uint32_t v) {
  a.regs[0] = reg;
  a.regs[4] = v;
}

const IoApic* find(uint32_t gsi, uint32_t* pin) {
  for (int i = 0; i < g_count; i++) {
    const IoApic& a = g_ioapics[i];
    if (gsi >= a.gsi_base && gsi < a.gsi_base + a.pins) {
      *pin = gsi - a.gsi_base;
      return &a;
    }
  }
  return nullptr;
}

}  // namespace

int init() {
  uint32_t next_gsi = 0;
  for (uint64_t pa : kCandidates) {
    auto regs = static_cast<volatile uint32_t*>(paging::map_mmio(pa, 0x20));
    IoApic a{regs, next_gsi, 0};
    // Unbacked addresses read as all zeroes or all ones; an 82093AA-style
    // I/O APIC reports version 0x1X or 0x20 and at most 240 pins.
    uint32_t version = read(a, kRegVersion);
    uint32_t kind = version & 0xff, max_entry = (version >> 16) & 0xff;
    if (kind < 0x10 || kind > 0x2f || max_entry == 0 || max_entry >= 240) break;
    a.pins = max_entry + 1;
    for (uint32_t pin = 0; pin < a.pins; pin++) {
      write(a, kRegRedirect + 2 * pin, kMasked);
      write(a, kRegRedirect + 2 * pin + 1, 0);
    }
    g_ioapics[g_count++] = a;
    next_gsi += a.pins;
  }
  return g_count;
}

bool has_gsi(uint32_t gsi) {
  uint32_t pin;
  return find(gsi, &pin) != nullptr;
}

bool route(uint32_t gsi, uint8_t vector, Trigger trigger, Polarity polarity) {
  uint32_t pin;
  const IoApic* a = find(gsi, &pin);
  if (!a) return false;
  uint32_t low = kMasked | vector;  // fixed delivery, physical destination
  if (trigger == Trigger::Level) low |= kLevel;
  if (polarity == Polarity::ActiveLow) low |= kActiveLow;
  write(*a, kRegRedirect + 2 * pin, kMasked);
  write(*a, kRegRedirect + 2 * pin + 1, apic::id() << 24);
  write(*a, kRegRedirect + 2 * pin, low);
  return true;
}

void mask(uint32_t gsi) {
  uint32_t pin;
  if (const IoApic* a = find(gsi, &pin)) {
    uint32_t reg = kRegRedirect + 2 * pin;
    write(*a, reg, read(*a, reg) | kMasked);
  }
}

void unmask(uint32_t gsi) {
  uint32_t pin;
  if (const IoApic* a = find(gsi, &pin)) {
    uint32_t reg = kRegRedirect + 2 * pin;
    write(*a, reg, read(*a, reg) & ~kMasked);
  }
}

}  // namespace kiln::ioapic
