// The program's x87/SSE/AVX state. The kernel itself never touches these
// registers (-mgeneral-regs-only), so the state is swapped only when the
// scheduler switches threads (eagerly, with XSAVE when available).
#pragma once

#include <stddef.h>

namespace kiln::fpu {

void init();
size_t state_size();              // bytes, a multiple of 64
void save(void* area);            // 64-byte aligned
void restore(const void* area);
// A freshly reset state (what a new program starts with).
void init_state(void* area);

}  // namespace kiln::fpu
