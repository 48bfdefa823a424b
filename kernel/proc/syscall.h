// System call plumbing shared by the handler files.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

struct TrapFrame;

using SyscallHandler = long (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

// The handlers, by Linux number (nullptr: -ENOSYS, named on the console
// once). Installed by init before the program runs.
void syscall_set_table(const SyscallHandler* table, size_t size);
// The frame of the syscall in progress (clone copies it; exits read it).
TrapFrame* syscall_frame();
// The thread clone() makes, thread or new process alike: it returns to user
// mode from the caller's syscall with 0, on `stack` (0: the caller's),
// with TLS `tls` if CLONE_SETTLS is in `flags`, and the caller's signal
// mask. nullptr when out of memory.
struct Thread;
Thread* clone_child_thread(uint64_t flags, uint64_t stack, uint64_t tls);
// The handler rewrote the whole frame: return with iretq, not sysret.
void syscall_request_iret();
// Looks up a syscall's name ("?" if unknown).
const char* syscall_name(uint64_t nr);

}  // namespace kiln
