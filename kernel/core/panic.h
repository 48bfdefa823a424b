// Fatal kernel errors and leaving the machine.
#pragma once

#include <stdint.h>

namespace kiln {

struct TrapFrame;

// Prints the message and a kernel backtrace, then ends the guest with 255.
[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* fmt, ...);
// A CPU exception in kernel mode: registers, fault address, backtrace.
[[noreturn]] void panic_trap(const TrapFrame& frame);
// Prints "=== exit(N) ===", reports N to the monitor and powers off.
[[noreturn]] void machine_exit(int status);
void print_kernel_backtrace(uint64_t rbp);
// The general registers of a trap frame, four to a line.
void print_registers(const TrapFrame& f);

}  // namespace kiln
