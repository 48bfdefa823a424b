// Threads and the scheduler: one CPU, round robin, preemptive for user code
// (a timer tick ends a 10 ms slice), cooperative inside the kernel, which
// runs with interrupts off and only switches when a thread blocks or yields.
#pragma once

#include <stdint.h>

#include "abi/linux/signal.h"
#include "lib/list.h"

namespace kiln {

// The round-robin time slice every thread gets (sched_rr_get_interval reports it).
inline constexpr uint64_t kSliceNs = 10'000'000;

struct TrapFrame;
struct Process;  // proc/process.h: the core only compares and passes it

enum class ThreadState : uint8_t { Runnable, Blocked, Dead };

// A reference that a system call holds while it runs (posix's FileRef),
// listed on its thread: a thread stopped in the middle of a call never
// returns to drop what it holds, so thread_drop_call_refs drops it instead.
struct CallRef {
  ListNode node;
  void (*drop)(CallRef* r) = nullptr;  // called unlinked
};

struct Thread {
  int tid = 0;
  ThreadState state = ThreadState::Runnable;
  bool kernel_only = false;  // a kernel thread: never runs program code
  Process* process = nullptr;  // a program thread's process
  uint64_t space = 0;          // its address space (paging); 0: any (kernel threads)
  uint64_t saved_rsp = 0;
  uint64_t stack_base = 0;  // lowest mapped byte of the kernel stack
  uint64_t stack_top = 0;
  void* fpu_state = nullptr;
  uint64_t fs_base = 0, gs_base = 0;

  ListNode run_node;    // run queue, or the wait list it blocks on
  void* wait_list = nullptr;  // the WaitList holding run_node while blocked
  ListNode sleep_node;  // timed sleepers, by deadline
  ListNode all_node;    // every live thread
  uint64_t wake_at = 0;  // monotonic ns; 0 = no deadline
  bool timed_out = false;

  // Linux thread state kept by the posix layer.
  TrapFrame* syscall_frame = nullptr;  // the syscall in progress
  bool syscall_iret = false;           // its frame was rewritten: leave by iretq
  uint64_t clear_child_tid = 0;
  uint64_t robust_list = 0;
  uint64_t signal_mask = 0;
  uint64_t pending_signals = 0;  // bit sig-1
  struct PendingInfo {
    int32_t code;   // si_code
    int32_t pid;    // sender, for SI_USER / SI_TKILL
    uint64_t addr;  // fault address, for SIGSEGV / SIGBUS / SIGILL / SIGFPE
  } signal_info[kSIGRTMAX] = {};  // [sig - 1]
  bool interrupted = false;  // woken from a wait by a signal
  List<CallRef, &CallRef::node> call_refs;  // what its system call in progress holds
  uint64_t altstack_sp = 0, altstack_size = 0;
  int altstack_flags = kSS_DISABLE;
};

using WaitList = List<Thread, &Thread::run_node>;

// Kernel threads run fn(arg) and must end with thread_exit().
Thread* thread_create_kernel(void (*fn)(void*), void* arg);
// A user thread that starts by returning to user mode with `frame`.
Thread* thread_create_user(const TrapFrame& frame, uint64_t fs_base);
// The next program thread id (a process's pid is its main thread's); rc
// takes one without a thread to keep pid 1.
int thread_take_id();
Thread* current_thread();
Thread* thread_find(int tid);  // any program thread
// The live threads of `p`, in creation order.
Thread* thread_first(Process* p);
Thread* thread_next(Thread* t);
int thread_count(Process* p);

// Starts the first thread; never returns.
[[noreturn]] void scheduler_start();
void yield();
// Blocks on `list` until woken or until `deadline_ns` (0 = forever).
// Returns false on timeout.
bool wait_on(WaitList& list, uint64_t deadline_ns);
void sleep_until(uint64_t deadline_ns);
void wake_thread(Thread* t);
// Wakes up to n threads (all if n < 0) and returns how many.
int wake_list(WaitList& list, int n);
[[noreturn]] void thread_exit();
// exit_group and execve: the other threads of `p` never run again (their
// stacks are kept: what they waited on may still point there), and what
// their calls held is dropped. Kernel threads keep running, so the network
// can still flush while the exiting thread waits. (nullptr: every program
// thread, when the machine is about to stop.)
void stop_other_threads(Process* p);
// Drops what `t`'s call holds, for a call that will never return: a thread
// stopped, or the caller ending its process from inside a call (a fault).
void thread_drop_call_refs(Thread* t);

// Timer interrupt: wakes sleepers; in user mode, may end the slice.
void scheduler_tick(bool from_user);

}  // namespace kiln
