#include "core/panic.h"

#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "core/console.h"
#include "core/clock.h"
#include "core/heap.h"
#include "core/memory.h"
#include "core/symbols.h"
#include "kiln/image.h"
#include "lib/format.h"

namespace kiln {
namespace {

bool g_panicking;
char g_cause[32];  // set_exit_cause's, as the status port gets it

void report_status(const char* line, size_t n) {
  for (size_t i = 0; i < n; i++) cpu::outb(image::kStatusPort, uint8_t(line[i]));
}

const char* const kExceptionNames[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection fault", "page fault", "reserved",
    "x87 floating point", "alignment check", "machine check", "SIMD floating point",
    "virtualization", "control protection"};

}  // namespace

void print_kernel_backtrace(uint64_t rbp) {
  // Kernel frames all live in the upper half; stop at anything else.
  for (int depth = 0; depth < 32 && rbp >= kDirectMapBase && (rbp & 7) == 0;
       depth++) {
    auto fp = reinterpret_cast<const uint64_t*>(rbp);
    uint64_t ret = fp[1];
    if (ret < 0xffffffff80000000ull) break;
    char sym[128];
    kernel_symbolize(ret - 1, sym, sizeof sym);
    kprintf("  #%d %016lx %s\n", depth, ret, sym);
    if (fp[0] <= rbp) break;
    rbp = fp[0];
  }
}

void print_registers(const TrapFrame& f) {
  kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
  kprintf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f.rsi, f.rdi, f.rbp, f.rsp);
  kprintf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f.r8, f.r9, f.r10, f.r11);
  kprintf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f.r12, f.r13, f.r14, f.r15);
}

void panic(const char* fmt, ...) {
  cpu::cli();
  if (g_panicking) machine_exit(255);
  g_panicking = true;
  format(g_cause, sizeof g_cause, "panic");
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  kprintf("\nkiln: kernel panic: %s\n", buf);
  print_kernel_backtrace(cpu::read_rbp());
  machine_exit(255);
}

void panic_trap(const TrapFrame& f) {
  cpu::cli();
  if (g_panicking) machine_exit(255);
  g_panicking = true;
  format(g_cause, sizeof g_cause, "panic");
  const char* name = f.vector < 32 && kExceptionNames[f.vector] ? kExceptionNames[f.vector]
                                                                  : "interrupt";
  kprintf("\nkiln: kernel panic: %s (vector %lu, error %#lx)\n", name, f.vector, f.error);
  if (f.vector == 14) kprintf("  fault address %016lx\n", cpu::read_cr2());
  char sym[128];
  kernel_symbolize(f.rip, sym, sizeof sym);
  kprintf("  rip %016lx %s\n", f.rip, sym);
  print_registers(f);
  kprintf("  rflags %08lx cs %lx ss %lx\n", f.rflags, f.cs, f.ss);
  kprintf("  backtrace:\n");
  print_kernel_backtrace(f.rbp);
  machine_exit(255);
}

void set_exit_cause(const char* cause) {
  if (!g_cause[0]) format(g_cause, sizeof g_cause, "%s", cause);
}

void machine_exit(int status) {
  cpu::cli();
  status &= 0xff;
  if (verbose()) {
    const HeapStats& h = kernel_heap().stats();
    kprintf("kiln: exit after %lu us; %lu KiB free of %lu MiB; kernel heap %lu KiB in %lu "
            "allocations\n",
            monotonic_ns() / 1000, page_allocator().free_frames() * 4, total_ram_bytes() >> 20,
            uint64_t(h.bytes_in_use >> 10), uint64_t(h.allocations));
  }
  kprintf("=== exit(%d) ===\n", status);
  char line[48];
  if (g_cause[0]) report_status(line, format(line, sizeof line, "%s\n", g_cause));
  report_status(line, format(line, sizeof line, "exit %d\n", status));
  cpu::outl(image::kDebugExitPort, uint32_t(status & 0x7f));
  // Not under QEMU (or the device is missing): stop here.
  cpu::halt_forever();
}

}  // namespace kiln
