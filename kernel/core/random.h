// The kernel's random numbers: ChaCha20 keyed from RDSEED/RDRAND (and the
// TSC as a last resort), rekeyed after every request (fast key erasure).
#pragma once

#include <stddef.h>

namespace kiln {

// Returns false when the CPU offered no hardware entropy.
bool random_init();
void random_bytes(void* out, size_t n);

}  // namespace kiln
