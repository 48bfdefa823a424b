// What the boot loader told the kernel about the machine, beyond memory
// and the command line.
#pragma once

#include <stdint.h>

namespace kiln {

// Physical address of the ACPI RSDP from the PVH start info; 0 when the
// machine has no ACPI tables (QEMU's microvm with acpi=off).
uint64_t boot_acpi_rsdp();

}  // namespace kiln
