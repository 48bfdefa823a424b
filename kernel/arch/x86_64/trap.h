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

}  // namespace kiln

extern "C" {
void trap_dispatch(kiln::TrapFrame* frame);
int syscall_dispatch(kiln::TrapFrame* frame);  // non-zero: return with iretq
void trap_return();
void thread_trampoline();
void switch_context(uint64_t* save_rsp, uint64_t new_rsp);
extern uint64_t g_kernel_rsp;
}
