#include "init/stop.h"

#include "core/clock.h"
#include "core/console.h"
#include "core/thread.h"
#include "init/shutdown.h"
#include "proc/process.h"
#include "proc/signal.h"

namespace kiln {
namespace {

// How often the stop looks again at whether its program is gone: each
// wait ends early when the kill is brought nearer.
constexpr uint64_t kPollNs = 10'000'000;
// From SIGKILL to the exit the programs' threads make; past it the stop
// ends the machine itself.
constexpr uint64_t kKillPatienceNs = 1'000'000'000;
constexpr int kTermStatus = 128 + kSIGTERM, kKillStatus = 128 + kSIGKILL;
constexpr size_t kMaxSignalled = 64;

bool g_started;
uint64_t g_kill_at;  // monotonic ns
WaitList g_wake;
int g_signalled[kMaxSignalled];
size_t g_nsignalled;

bool signalled(int pid) {
  for (size_t i = 0; i < g_nsignalled; i++)
    if (g_signalled[i] == pid) return true;
  return false;
}

bool running(Process* p) { return p && p->state == ProcessState::Running && thread_first(p); }

// The next program to stop: pid 1 when it is the program; with rc (pid 1
// the kernel's own), its youngest child not yet sent SIGTERM: pids only
// grow, so that is the reverse of the order they started in (orphans,
// adopted by pid 1, included).
int next_program() {
  Process* init = init_process();
  if (thread_first(init)) return signalled(1) ? 0 : 1;
  int youngest = 0;
  for (Process* p = first_process(); p; p = next_process(p))
    if (p->parent == init && running(p) && !signalled(p->pid) && p->pid > youngest)
      youngest = p->pid;
  return youngest;
}

// Sleeps a while, at most until `until`; a kill brought nearer wakes it.
// Kernel threads are not preempted: it must block to let programs run.
void nap(uint64_t until) {
  uint64_t now = monotonic_ns();
  uint64_t end = now + kPollNs;
  if (until < end) end = until;
  if (end > now) wait_on(g_wake, end);
}

// Returns false when there was no program to stop (it had not started).
bool terminate_programs() {
  while (!machine_stopping() && monotonic_ns() < g_kill_at && g_nsignalled < kMaxSignalled) {
    int pid = next_program();
    if (!pid) return g_nsignalled > 0;
    g_signalled[g_nsignalled++] = pid;
    if (verbose()) kprintf("kiln: stop: SIGTERM to pid %d\n", pid);
    signal_process(process_find(pid), kSIGTERM, 0);
    while (!machine_stopping() && monotonic_ns() < g_kill_at && running(process_find(pid))) nap(g_kill_at);
  }
  return true;
}

[[noreturn]] void run(void*) {
  // No program yet (it waits for DHCP): it would have ended by SIGTERM.
  if (!terminate_programs() && !machine_stopping()) program_exit(kTermStatus);
  // The programs are ending: their exit (or rc's) halts the machine.
  while (!machine_stopping() && monotonic_ns() < g_kill_at) nap(g_kill_at);
  if (machine_stopping()) thread_exit();
  kprintf("kiln: stop: SIGKILL to every process\n");
  for (Process* p = first_process(); p; p = next_process(p))
    if (running(p)) signal_process(p, kSIGKILL, 0);
  uint64_t give_up = monotonic_ns() + kKillPatienceNs;
  while (!machine_stopping() && monotonic_ns() < give_up) nap(give_up);
  if (!machine_stopping()) program_exit(kKillStatus);
  thread_exit();
}

void start(uint64_t kill_at) {
  g_started = true;
  g_kill_at = kill_at;
  if (thread_create_kernel(run, nullptr)) return;
  kprintf("kiln: stop: out of memory: stopping at once\n");
  program_exit(kTermStatus);
}

}  // namespace

bool stop_requested() { return g_started; }

void stop_machine(uint64_t grace_ns) {
  uint64_t kill_at = monotonic_ns() + grace_ns + kStopBackstopNs;
  if (g_started) {
    if (kill_at < g_kill_at) g_kill_at = kill_at;
    wake_list(g_wake, -1);
    return;
  }
  kprintf("kiln: stop: SIGTERM to %s; the host kills after %lu ms\n",
          thread_first(init_process()) ? "the program" : "each program, the last started first",
          grace_ns / 1'000'000);
  start(kill_at);
}

void kill_machine() {
  if (!g_started) {
    start(monotonic_ns());
    return;
  }
  g_kill_at = monotonic_ns();
  wake_list(g_wake, -1);
}

}  // namespace kiln
