// The kernel's random numbers: ChaCha20 keyed from RDSEED/RDRAND (and the
// TSC as a last resort), rekeyed after every request (fast key erasure).
#pragma once

#include <stddef.h>

namespace kiln {

// Returns false when the CPU offered no hardware entropy.
bool random_init();
void random_bytes(void* out, size_t n);
// Mixes bytes from an entropy source (virtio-rng) into the generator's key.
void random_add_entropy(const void* data, size_t n);

}  // namespace kiln
