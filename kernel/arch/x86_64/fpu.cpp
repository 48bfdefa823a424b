#include "arch/x86_64/fpu.h"

#include "arch/x86_64/cpu.h"
#include "lib/mem.h"

namespace kiln::fpu {
namespace {

bool g_xsave;
uint64_t g_xcr0;
size_t g_size = 512;
alignas(64) unsigned char g_initial[4096];

}  // namespace

void init() {
  uint64_t cr0 = cpu::read_cr0();
  cr0 &= ~(1ull << 2);  // EM off
  cr0 &= ~(1ull << 3);  // TS off: state is always live
  cr0 |= (1ull << 1) | (1ull << 5);  // MP, NE
  cpu::write_cr0(cr0);
  uint64_t cr4 = cpu::read_cr4() | (1u << 9) | (1u << 10);  // OSFXSR, OSXMMEXCPT
  auto leaf1 = cpu::cpuid(1);
  g_xsave = leaf1.ecx & (1u << 26);
  if (g_xsave) {
    cpu::write_cr4(cr4 | (1u << 18));  // OSXSAVE
    auto d = cpu::cpuid(0xd, 0);
    // x87, SSE, AVX and the AVX-512 states: what user code may use.
    g_xcr0 = d.eax & 0xe7;
    cpu::xsetbv(0, g_xcr0);
    g_size = (cpu::cpuid(0xd, 0).ebx + 63) & ~size_t(63);
    if (g_size > sizeof g_initial) g_size = sizeof g_initial;
  } else {
    cpu::write_cr4(cr4);
  }
  asm volatile("fninit");
  uint32_t mxcsr = 0x1f80;
  asm volatile("ldmxcsr %0" ::"m"(mxcsr));
  memset(g_initial, 0, sizeof g_initial);
  save(g_initial);
}

size_t state_size() { return g_size; }

void save(void* area) {
  if (g_xsave)
    asm volatile("xsave64 (%0)" ::"r"(area), "a"(uint32_t(g_xcr0)), "d"(uint32_t(g_xcr0 >> 32))
                 : "memory");
  else
    asm volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void restore(const void* area) {
  if (g_xsave)
    asm volatile("xrstor64 (%0)" ::"r"(area), "a"(uint32_t(g_xcr0)), "d"(uint32_t(g_xcr0 >> 32))
                 : "memory");
  else
    asm volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void init_state(void* area) { memcpy(area, g_initial, g_size); }

void load_initial() { restore(g_initial); }

void load_sanitized(void* area) {
  auto bytes = static_cast<uint8_t*>(area);
  uint32_t mask, mxcsr;
  memcpy(&mask, g_initial + 28, 4);  // MXCSR_MASK as this CPU reports it
  if (!mask) mask = 0xffbf;
  memcpy(&mxcsr, bytes + 24, 4);
  mxcsr &= mask;
  memcpy(bytes + 24, &mxcsr, 4);
  if (g_xsave) {
    uint64_t header[8];  // XSTATE_BV, XCOMP_BV, reserved
    memcpy(header, bytes + 512, sizeof header);
    header[0] &= g_xcr0;
    for (int i = 1; i < 8; i++) header[i] = 0;
    memcpy(bytes + 512, header, sizeof header);
  }
  restore(area);
}

bool uses_xsave() { return g_xsave; }
uint64_t features() { return g_xcr0; }

}  // namespace kiln::fpu
