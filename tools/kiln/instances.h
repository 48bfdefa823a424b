// Run directories: one per guest, ${XDG_RUNTIME_DIR:-/tmp}/kiln-UID/NAME,
// holding `pid`, `image`, `cmd`, `console.log`, `qemu.log` and `status`.
// They are how `kiln ps`, `logs` and `stop` find guests started earlier.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "util.h"

namespace kiln::cli {

fs::path runtime_root();  // creates it (0700) and checks that we own it

// Instance names become directory names and hostnames: [A-Za-z0-9._-],
// not starting with '.', at most 64 characters. Throws UsageError.
void check_instance_name(const std::string& name);

// Creates the run directory of NAME; throws Failure if a guest of that name
// is still running (a leftover directory of an ended one is replaced).
// `base`, or `base-2`, `base-3`... the first that no running guest holds:
// a default name (kiln-<launcher pid>) may meet a background guest left by
// an earlier launcher that had the same pid.
std::string unused_instance_name(const std::string& base);
fs::path create_run_dir(const std::string& name);
void remove_run_dir(const fs::path& dir);

// How a guest ended, from its status file: the last "exit N" line and the
// kernel's cause line before it, if any ("signal SIGSEGV", "oom", "panic";
// docs/internals.md, "Exit protocol").
struct ExitReport {
  int status = 0;
  std::string cause;  // "": a plain exit
};
std::optional<ExitReport> parse_exit_report(std::string_view text);
std::optional<ExitReport> read_exit_report(const fs::path& status_file);
// Its status alone.
std::optional<int> read_status(const fs::path& status_file);
// For `kiln ps`: "exited 3", "crashed (SIGSEGV)" (a signal that means a
// fault), "killed (SIGTERM)" (any other signal), "out of memory", "kernel panic".
std::string describe_end(const ExitReport& end);

struct Instance {
  enum class State { Running, Exited, Stale };
  std::string name;
  fs::path dir;
  pid_t pid = 0;
  std::string image;
  std::time_t started = 0;
  State state = State::Stale;
  ExitReport end;  // when Exited
  std::string handle() const { return "qemu:" + std::to_string(pid); }
};

Instance load_instance(const fs::path& dir);
std::vector<Instance> list_instances();  // sorted by start time
// By name, or by handle "qemu:PID"; nullopt if there is none.
std::optional<Instance> find_instance(const std::string& name_or_handle);

// Writes the pid file (whose mtime is the start time).
void record_pid(const fs::path& dir, pid_t pid);

}  // namespace kiln::cli
