// The program's x87/SSE/AVX state. The kernel itself never touches these
// registers (-mgeneral-regs-only), so the state is swapped only when the
// scheduler switches threads (eagerly, with XSAVE when available).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::fpu {

void init();
size_t state_size();              // bytes, a multiple of 64
void save(void* area);            // 64-byte aligned
void restore(const void* area);
// A freshly reset state (what a new program starts with).
void init_state(void* area);
// Loads the reset state into the registers (a signal handler starts so).
void load_initial();
// Loads an image the program supplied (sigreturn), after clearing what
// would make XRSTOR fault: reserved MXCSR bits and unknown XSAVE features.
void load_sanitized(void* area);
bool uses_xsave();
uint64_t features();  // XCR0

}  // namespace kiln::fpu
