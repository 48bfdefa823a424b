// The register frame every kernel entry builds (entry.S).
#pragma once

#include <stdint.h>

namespace kiln {

struct TrapFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;

  bool from_user() const { return (cs & 3) == 3; }
};
static_assert(sizeof(TrapFrame) == 22 * 8);

inline constexpr uint64_t kVectorSyscall = 256;
inline constexpr uint64_t kVectorTimer = 32;
inline constexpr uint64_t kVectorSpurious = 255;
inline constexpr uint16_t kKernelCs = 0x08, kKernelDs = 0x10, kUserDs = 0x1b, kUserCs = 0x23;

// What the kernel does with the traps arch decodes, installed once at boot
// (proc/traps.cpp): arch knows the CPU, not processes or signals.
struct PageFault {
  uint64_t addr;       // CR2
  bool write, exec;    // the access
  bool present;        // a protection fault, not a missing page
};
struct TrapHandlers {
  // Any #PF that is not a kernel fault on kernel memory (arch panics on those).
  void (*page_fault)(TrapFrame& frame, const PageFault& fault);
  // A CPU exception in user mode: `vector` as the CPU numbers them.
  void (*user_exception)(TrapFrame& frame);
  // Last thing before any return to user mode (pending signals).
  void (*returning_to_user)(TrapFrame& frame);
};
void trap_set_handlers(const TrapHandlers& handlers);

}  // namespace kiln

extern "C" {
void trap_dispatch(kiln::TrapFrame* frame);
int syscall_dispatch(kiln::TrapFrame* frame);  // non-zero: return with iretq
void trap_return();
void thread_trampoline();
void switch_context(uint64_t* save_rsp, uint64_t new_rsp);
extern uint64_t g_kernel_rsp;
}
