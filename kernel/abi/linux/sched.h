// clone() flags, struct clone_args and the scheduling policies (linux/sched.h). Names and namespace
// as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

// The low byte is the signal sent to the parent when the child exits.
inline constexpr uint64_t kCSIGNAL = 0xff;
inline constexpr uint64_t kCLONE_VM = 0x100, kCLONE_FS = 0x200, kCLONE_FILES = 0x400,
                          kCLONE_SIGHAND = 0x800, kCLONE_PIDFD = 0x1000, kCLONE_VFORK = 0x4000,
                          kCLONE_PARENT = 0x8000, kCLONE_THREAD = 0x10000,
                          kCLONE_SYSVSEM = 0x40000, kCLONE_SETTLS = 0x80000,
                          kCLONE_PARENT_SETTID = 0x100000, kCLONE_CHILD_CLEARTID = 0x200000,
                          kCLONE_DETACHED = 0x400000, kCLONE_CHILD_SETTID = 0x1000000;

// Its first version (CLONE_ARGS_SIZE_VER0); later ones append fields.
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};
static_assert(sizeof(CloneArgs) == 64);

// sched_setscheduler policies, and the flag that may be or'ed into one.
inline constexpr int kSCHED_OTHER = 0, kSCHED_FIFO = 1, kSCHED_RR = 2, kSCHED_BATCH = 3,
                     kSCHED_IDLE = 5, kSCHED_DEADLINE = 6, kSCHED_RESET_ON_FORK = 0x40000000;

}  // namespace kiln::inline abi
