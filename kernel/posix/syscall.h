// System call plumbing shared by the handler files.
#pragma once

#include <stdint.h>

namespace kiln {

struct TrapFrame;

using SyscallHandler = long (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

// The frame of the syscall in progress (clone copies it; exits read it).
TrapFrame* syscall_frame();
// The handler rewrote the whole frame: return with iretq, not sysret.
void syscall_request_iret();
// Looks up a syscall's name ("?" if unknown).
const char* syscall_name(uint64_t nr);

}  // namespace kiln
