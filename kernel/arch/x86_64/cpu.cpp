#include "arch/x86_64/cpu.h"

bool g_smap;

namespace kiln::cpu {

bool rdseed64(uint64_t* out) {
  if (!(cpuid(7, 0).ebx & (1u << 18))) return false;
  for (int i = 0; i < 16; i++) {
    unsigned char ok;
    asm volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
    if (ok) return true;
  }
  return false;
}

bool rdrand64(uint64_t* out) {
  if (!(cpuid(1).ecx & (1u << 30))) return false;
  for (int i = 0; i < 16; i++) {
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
    if (ok) return true;
  }
  return false;
}

}  // namespace kiln::cpu
