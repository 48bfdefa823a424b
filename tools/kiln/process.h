// Starting and watching child processes (QEMU) without a shell.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util.h"

namespace kiln::cli {

struct SpawnOptions {
  bool new_session = false;          // setsid(): detach from our terminal
  std::optional<fs::path> stdin_path;   // else inherited
  std::optional<fs::path> output_path;  // stdout and stderr, appended; else inherited
  std::optional<mode_t> umask;          // else inherited
  // SIGINT, SIGTERM and SIGHUP blocked (QEMU does not unblock them), so
  // that a Ctrl-C or a signal to the process group reaches only us.
  bool block_stop_signals = false;
  bool die_with_parent = false;  // SIGKILL when we go (PR_SET_PDEATHSIG)
};

// Forks and execs ARGV[0] (searched in PATH). Returns the child's pid once
// the exec succeeded; throws Failure("cannot run X: reason") if it did not.
pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options);

struct ExitInfo {
  bool signaled;  // killed by signal `code`, else exited with status `code`
  int code;
  std::string describe() const;  // "exited with status 1", "killed by SIGKILL"
};

// "SIGINT", or "signal 42" when it has no name.
std::string signal_name(int sig);

// Waits for our child PID; TIMEOUT_MS < 0 waits forever. Returns nullopt on
// timeout. EINTR (a forwarded signal) does not end the wait.
std::optional<ExitInfo> wait_child(pid_t pid, int timeout_ms);

// CLOCK_MONOTONIC in milliseconds.
int64_t monotonic_ms();

// True if PID exists and is not a zombie (works for processes that are not
// our children, e.g. a background QEMU started by an earlier kiln).
bool process_alive(pid_t pid);

// The NUL-separated command line of PID, or "" if it is gone.
std::string process_cmdline(pid_t pid);

}  // namespace kiln::cli
