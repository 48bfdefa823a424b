#pragma once

#include <stdint.h>

namespace kiln::arch {

// GDT with kernel/user segments and the TSS, the IDT with all 256 stubs,
// and the SYSCALL MSRs.
void init_descriptors();
// Where the CPU lands on an interrupt or syscall from user mode.
void set_kernel_stack(uint64_t top);
bool is_ist_stack(uint64_t addr);

}  // namespace kiln::arch
