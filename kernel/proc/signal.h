// Signals: dispositions, masks, pending sets and delivery to handlers
// through a Linux-compatible rt_sigframe. A signal whose default action is
// to terminate ends the program with status 128+N and says why.
#pragma once

#include <stdint.h>

#include "abi/linux/signal.h"

namespace kiln {

struct TrapFrame;
struct Thread;
struct Process;

inline uint64_t signal_bit(int sig) { return 1ull << (sig - 1); }

// Queues `sig` for thread t (waking it from an interruptible wait) or
// drops it when ignored. Terminates at once when the default action is to.
void send_signal(Thread* t, int sig, int code, int sender_pid, uint64_t addr);
// Where a process-directed signal to `p` goes (kill, SIGCHLD, SIGALRM): the
// caller if it is p's and does not block it, else p's first thread that
// does not, else the caller or p's first thread (nullptr: p has none).
Thread* signal_target(Process* p, int sig);
// What kill(2) does to one process: `sig` to the thread signal_target
// picks, from `sender_pid` (0: the kernel, stopping the machine for the
// host). False when p has no thread left to take it.
bool signal_process(Process* p, int sig, int sender_pid);
// A signal is pending and not blocked for the current thread.
bool signal_pending();
// Before returning to user mode: runs the first deliverable signal's
// action. Returns true when the frame now enters a handler (leave by iretq).
bool deliver_signals(TrapFrame& frame);
// A CPU fault in user code: delivered to the program's handler if it has
// one for `sig` (and does not block it); otherwise reports registers and a
// symbolized backtrace and terminates with 128+sig.
void fault_signal(TrapFrame& frame, int sig, int code, uint64_t fault_addr, const char* what);
const char* signal_name(int sig);
// ppoll, pselect6, epoll_pwait: install the user's mask (if umask is not 0)
// for the wait, remembering the current one in *saved; 0 or -errno.
[[nodiscard]] long begin_temporary_sigmask(uint64_t umask, uint64_t size, uint64_t* saved);
// After waiting under a temporary mask, restore `saved` — through the
// signal frame when a handler runs (sigsuspend uses it too).
[[nodiscard]] long end_temporary_sigmask(long ret, uint64_t saved);

// signal_frame.cpp: the handler's stack frame and rt_sigreturn.
bool push_signal_frame(TrapFrame& frame, int sig);
bool pop_signal_frame(TrapFrame& frame);
// The mask sigreturn will restore, in the frame just pushed (sigsuspend).
bool set_frame_sigmask(const TrapFrame& frame, uint64_t mask);

}  // namespace kiln
