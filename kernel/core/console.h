// Kernel messages and the program's console output share COM1.
#pragma once

#include <stddef.h>

namespace kiln {

void console_write(const char* s, size_t n);
// Boot and exit diagnostics (`kiln run -v`).
void set_verbose(bool on);
bool verbose();
[[gnu::format(printf, 1, 2)]] void kprintf(const char* fmt, ...);

}  // namespace kiln
