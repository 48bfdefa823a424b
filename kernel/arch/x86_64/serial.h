// The 16550 UART on COM1: the console on every x86 platform kiln boots on.
#pragma once

#include <stddef.h>

namespace kiln::serial {

void init();
void write(const char* s, size_t n);
// Non-blocking: a received byte, or -1 when none is waiting.
int read_byte();
bool input_ready();

}  // namespace kiln::serial
