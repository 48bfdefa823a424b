// Processes through the Linux ABI (sys_process.cpp).
#pragma once

#include <stdint.h>

namespace kiln {

// clone() without CLONE_THREAD: a new process (fork, vfork, posix_spawn).
[[nodiscard]] long clone_process(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                   uint64_t tls);
// Ends the calling process with a wait(2) status: (code << 8), or the
// terminating signal (| 0x80 with a core dump). Pid 1 ends the machine.
[[noreturn]] void exit_process(int wait_status);
// What pid 1's end does: stop the machine with the program's exit status
// (a function that never returns). Installed by init at boot.
void set_machine_stop(void (*stop)(int status));

struct Process;
// Waits for a child of `self` matching `pid` as wait4 does (-1: any, -N:
// that group); reaps it and returns its pid with its wait status in
// *status. 0: none has ended and !block; -ECHILD, -EINTR.
[[nodiscard]] long wait_child(Process& self, int pid, bool block, int* status);
// Undoes a process made but never started: its descriptors, directory and memory.
void process_discard(Process* child);

[[nodiscard]] long sys_fork(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
[[nodiscard]] long sys_vfork(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
[[nodiscard]] long sys_execve(uint64_t path, uint64_t argv, uint64_t envp, uint64_t, uint64_t, uint64_t);
[[nodiscard]] long sys_execveat(uint64_t dirfd, uint64_t path, uint64_t argv, uint64_t envp, uint64_t flags,
                  uint64_t);
[[nodiscard]] long sys_wait4(uint64_t pid, uint64_t status, uint64_t options, uint64_t rusage, uint64_t,
               uint64_t);
[[nodiscard]] long sys_waitid(uint64_t idtype, uint64_t id, uint64_t infop, uint64_t options,
                              uint64_t rusage, uint64_t);
[[nodiscard]] long sys_getppid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

}  // namespace kiln
