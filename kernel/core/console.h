// Kernel messages and the program's console output share COM1.
#pragma once

#include <stddef.h>

namespace kiln {

void console_write(const char* s, size_t n);
[[gnu::format(printf, 1, 2)]] void kprintf(const char* fmt, ...);

}  // namespace kiln
