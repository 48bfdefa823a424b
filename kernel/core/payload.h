// The baked payload: the cpio archive `kiln bake` appended to the kernel.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

// Where the payload lies in physical memory (0, 0 in an unbaked kernel).
void payload_location(uint64_t* paddr, uint64_t* size);
// Whether `p` points into the payload (which is never freed).
bool payload_contains(const void* p);
// Finds a file in the archive; false if absent or the archive is corrupt.
bool payload_find(const char* name, const uint8_t** data, size_t* size);

}  // namespace kiln
