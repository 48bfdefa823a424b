// Fatal kernel errors and leaving the machine.
#pragma once

#include <stdint.h>

namespace kiln {

struct TrapFrame;

// Prints the message and a kernel backtrace, then ends the guest with 255.
[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* fmt, ...);
// A CPU exception in kernel mode: registers, fault address, backtrace.
[[noreturn]] void panic_trap(const TrapFrame& frame);
// Why the machine stops, when it is more than an exit status: "signal
// SIGSEGV" (the program was ended by a signal), "oom", "panic". The first
// cause given stands (a panic overrides it); machine_exit reports it on
// the status port before "exit N" (docs/internals.md, "Exit protocol").
void set_exit_cause(const char* cause);
// Prints "=== exit(N) ===", reports N to the monitor and powers off.
[[noreturn]] void machine_exit(int status);
void print_kernel_backtrace(uint64_t rbp);
// The general registers of a trap frame, four to a line.
void print_registers(const TrapFrame& f);

}  // namespace kiln
