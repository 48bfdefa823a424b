// `kiln ps`, `kiln logs` and `kiln stop`: the guests behind the run
// directories (instances.h).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <utility>
#include <vector>

#include "args.h"
#include "commands.h"
#include "console_keeper.h"
#include "console_log.h"
#include "errors.h"
#include "help.h"
#include "instances.h"
#include "process.h"
#include "stop.h"

namespace kiln::cli {

namespace {

constexpr OptionSpec kHelpOnly[] = {{'h', "help", false}};
constexpr OptionSpec kStopOptions[] = {{'h', "help", false}, {'t', "", true}};
constexpr OptionSpec kLogsOptions[] = {{'h', "help", false}, {'f', "follow", false}, {'t', "timestamps", false}};

// A directory without a live QEMU and without a status is stale, unless it is
// so young that its `kiln run` may still be starting QEMU.
constexpr std::time_t kStaleAfterSeconds = 10;

std::string format_uptime(std::time_t seconds) {
  char buf[32];
  if (seconds < 60) std::snprintf(buf, sizeof buf, "%lds", static_cast<long>(seconds));
  else if (seconds < 3600) std::snprintf(buf, sizeof buf, "%ldm%02lds", static_cast<long>(seconds / 60), static_cast<long>(seconds % 60));
  else if (seconds < 86400) std::snprintf(buf, sizeof buf, "%ldh%02ldm", static_cast<long>(seconds / 3600), static_cast<long>(seconds / 60 % 60));
  else std::snprintf(buf, sizeof buf, "%ldd%02ldh", static_cast<long>(seconds / 86400), static_cast<long>(seconds / 3600 % 24));
  return buf;
}

// True if the caller asked for help (printed); throws on any other option.
bool help_only(const Args& args, size_t& pos, const char* command) {
  auto parsed = parse_options(args, pos, kHelpOnly, command);
  if (!parsed.options.empty()) {
    std::cout << command_help(command);
    return true;
  }
  return false;
}

Instance require_instance(const std::string& key, const char* command) {
  auto inst = find_instance(key);
  if (!inst) throw Failure(std::string(command) + ": no kiln guest named " + key + " (see 'kiln ps')");
  return *inst;
}

}  // namespace

int cmd_ps(const Args& args) {
  size_t pos = 0;
  if (help_only(args, pos, "ps")) return 0;
  if (pos < args.size()) throw UsageError("ps: unexpected argument '" + args[pos] + "'");
  std::time_t now = std::time(nullptr);
  std::vector<Instance> shown;
  for (auto& inst : list_instances()) {
    if (inst.state == Instance::State::Stale) {
      if (now - inst.started >= kStaleAfterSeconds) remove_run_dir(inst.dir);
      continue;
    }
    shown.push_back(inst);
  }
  std::printf("%-20s %-14s %-18s %-8s %s\n", "NAME", "HANDLE", "STATE", "UPTIME", "IMAGE");
  for (const auto& inst : shown) {
    bool running = inst.state == Instance::State::Running;
    std::string state = running ? "running" : describe_end(inst.end);
    std::string uptime = running ? format_uptime(now - inst.started) : "-";
    std::printf("%-20s %-14s %-18s %-8s %s\n", inst.name.c_str(), inst.handle().c_str(), state.c_str(),
                uptime.c_str(), inst.image.c_str());
  }
  return 0;
}

int cmd_logs(const Args& args) {
  size_t pos = 0;
  bool follow = false, timestamps = false;
  for (const auto& opt : parse_options(args, pos, kLogsOptions, "logs").options) {
    if (opt.key == 'h') {
      std::cout << command_help("logs");
      return 0;
    }
    if (opt.key == 'f') follow = true;
    if (opt.key == 't') timestamps = true;
  }
  if (pos >= args.size()) throw UsageError("logs: missing NAME (see 'kiln ps')");
  if (pos + 1 < args.size()) throw UsageError("logs: one guest at a time");
  Instance inst = require_instance(args[pos], "logs");
  if (read_text(inst.dir / "cmd").find("stdio,id=con") != std::string::npos)
    throw Failure("logs: guest " + inst.name + " runs interactively (-i): its console is the output of the kiln run "
                  "that started it (under systemd: journalctl -t " + inst.name + ")");
  // Opened first: `kiln stop` may remove the directory while we follow.
  int dir_fd = ::open(inst.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ConsoleLogReader console(inst.dir, timestamps);
  console.print(stdout);
  if (follow && dir_fd >= 0) console.follow(stdout, [&] { return console_keeper_gone(dir_fd); });
  if (dir_fd >= 0) ::close(dir_fd);
  std::string qemu_log = read_text(inst.dir / "qemu.log");
  if (!qemu_log.empty()) std::fwrite(qemu_log.data(), 1, qemu_log.size(), stderr);
  return 0;
}

namespace {

// A guest whose kernel cannot be asked (an image from before the control
// channel, a paused guest): QEMU is stopped the old way, disks unsynced.
void stop_qemu(const Instance& inst, uint64_t grace_ms, const std::string& why) {
  std::fprintf(stderr, "kiln: stop: %s cannot be asked to stop (%s): stopping QEMU, its disks not synced\n",
               inst.name.c_str(), why.c_str());
  ::kill(inst.pid, SIGTERM);
  for (uint64_t waited = 0; process_alive(inst.pid) && waited < grace_ms / 10; ++waited) ::usleep(10000);
  if (process_alive(inst.pid)) ::kill(inst.pid, SIGKILL);
}

}  // namespace

int cmd_stop(const Args& args) {
  size_t pos = 0;
  auto parsed = parse_options(args, pos, kStopOptions, "stop");
  uint64_t grace = kDefaultGraceMs / 1000;
  for (const auto& opt : parsed.options) {
    if (opt.key == 'h') {
      std::cout << command_help("stop");
      return 0;
    }
    if (opt.key == 't' && !parse_uint(opt.value, 0, 3600, grace))
      throw UsageError("stop: -t wants a number of seconds (0-3600), not '" + opt.value + "'");
  }
  if (pos >= args.size()) throw UsageError("stop: missing NAME or HANDLE (see 'kiln ps')");

  // Check every name first, so a typo stops nothing.
  std::vector<Instance> targets;
  for (size_t i = pos; i < args.size(); ++i) targets.push_back(require_instance(args[i], "stop"));

  // All asked first, then watched together: each has its grace period.
  std::vector<std::pair<const Instance*, GuestStop>> stopping;
  for (const auto& inst : targets) {
    if (inst.state != Instance::State::Running) continue;
    GuestStop stop(inst.dir / "control.sock", inst.pid, grace * 1000, inst.name);
    std::string why;
    if (stop.start(&why))
      stopping.emplace_back(&inst, std::move(stop));
    else
      stop_qemu(inst, grace * 1000, why);
  }
  for (bool waiting = true; waiting;) {
    waiting = false;
    for (auto& [inst, stop] : stopping) {
      if (!process_alive(inst->pid)) continue;
      stop.tick();
      waiting = true;
    }
    if (waiting) ::usleep(10000);
  }
  for (const auto& inst : targets) {
    for (int waited = 0; process_alive(inst.pid) && waited < 200; ++waited) ::usleep(10000);
    if (process_alive(inst.pid))
      throw Failure("stop: " + inst.name + " (" + inst.handle() + ") did not die even after SIGKILL");
    // A guest that halted keeps its directory, so `kiln ps` shows its
    // status (and `kiln logs` its console) until the next `kiln stop`.
    if (inst.state != Instance::State::Running || !read_status(inst.dir / "status")) remove_run_dir(inst.dir);
  }
  return 0;
}

}  // namespace kiln::cli
