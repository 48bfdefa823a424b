// Names for kernel addresses in backtraces, from the table `kiln bake`
// stores in the payload (.kiln/kernel.sym).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

void kernel_symbols_init(const char* table, size_t len);
// Writes "name+0xoff" (or "?") into buf.
void kernel_symbolize(uint64_t addr, char* buf, size_t cap);

}  // namespace kiln
