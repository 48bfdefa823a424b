#include "instances.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "errors.h"
#include "process.h"

namespace kiln::cli {

fs::path runtime_root() {
  std::string_view base = getenv_view("XDG_RUNTIME_DIR");
  fs::path root = fs::path(base.empty() ? "/tmp" : base) / ("kiln-" + std::to_string(::getuid()));
  if (::mkdir(root.c_str(), 0700) != 0 && errno != EEXIST)
    throw Failure("cannot create " + root.string() + ": " + errno_string(errno));
  // In a shared /tmp someone else could have made it first: insist on ours.
  struct stat st {};
  if (::lstat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid())
    throw Failure(root.string() + " is not a directory owned by you; remove it or set XDG_RUNTIME_DIR");
  return root;
}

void check_instance_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.' && name[0] != '-';
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) ok = false;
  if (!ok)
    throw UsageError("run: bad instance name '" + name +
                     "': use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')");
}

namespace {

// The guest writes the status port: only a cause of the kernel's grammar is
// taken, so that `kiln ps` never prints what a guest made up (escapes).
bool is_cause(std::string_view line) {
  if (line == "panic" || line == "oom") return true;
  if (!line.starts_with("signal SIG") || line.size() > 7 + 16 || line.size() == 10) return false;
  for (char c : line.substr(10))
    if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) return false;
  return true;
}

}  // namespace

std::optional<ExitReport> parse_exit_report(std::string_view text) {
  std::optional<ExitReport> report;
  std::string cause;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    uint64_t value;
    if (line.starts_with("exit ") && parse_uint(line.substr(5), 0, 255, value)) {
      report = ExitReport{static_cast<int>(value), cause};
      cause.clear();
    } else if (is_cause(line)) {
      cause = line;
    }
  }
  return report;
}

std::optional<ExitReport> read_exit_report(const fs::path& status_file) {
  return parse_exit_report(read_text(status_file));
}

std::optional<int> read_status(const fs::path& status_file) {
  auto report = read_exit_report(status_file);
  return report ? std::optional(report->status) : std::nullopt;
}

std::string describe_end(const ExitReport& end) {
  if (end.cause == "panic") return "kernel panic";
  if (end.cause == "oom") return "out of memory";
  if (end.cause.starts_with("signal ")) {
    // The signals Linux dumps core for on a fault: the program crashed.
    std::string sig = end.cause.substr(7);
    bool fault = sig == "SIGSEGV" || sig == "SIGBUS" || sig == "SIGILL" || sig == "SIGFPE" || sig == "SIGABRT" ||
                 sig == "SIGTRAP" || sig == "SIGSYS";
    return (fault ? "crashed (" : "killed (") + sig + ")";
  }
  return "exited " + std::to_string(end.status);
}

void record_pid(const fs::path& dir, pid_t pid) { write_text(dir / "pid", std::to_string(pid) + "\n"); }

Instance load_instance(const fs::path& dir) {
  Instance inst;
  inst.name = dir.filename().string();
  inst.dir = dir;
  std::string pid_text = read_text(dir / "pid");
  while (!pid_text.empty() && pid_text.back() == '\n') pid_text.pop_back();
  uint64_t pid = 0;
  if (parse_uint(pid_text, 1, INT32_MAX, pid)) inst.pid = static_cast<pid_t>(pid);
  inst.image = read_text(dir / "image");
  while (!inst.image.empty() && inst.image.back() == '\n') inst.image.pop_back();
  struct stat st {};
  if (::stat((dir / "pid").c_str(), &st) == 0) inst.started = st.st_mtime;
  else if (::stat(dir.c_str(), &st) == 0) inst.started = st.st_mtime;

  // The pid is ours only if that process is QEMU writing into this directory
  // (pids get reused).
  bool alive = inst.pid && process_alive(inst.pid) &&
               process_cmdline(inst.pid).find((dir / "status").string()) != std::string::npos;
  if (alive) {
    inst.state = Instance::State::Running;
  } else if (auto end = read_exit_report(dir / "status")) {
    inst.state = Instance::State::Exited;
    inst.end = *end;
  } else {
    inst.state = Instance::State::Stale;
  }
  return inst;
}

std::vector<Instance> list_instances() {
  std::vector<Instance> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runtime_root(), ec)) {
    if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    out.push_back(load_instance(entry.path()));
  }
  std::sort(out.begin(), out.end(), [](const Instance& a, const Instance& b) {
    return a.started != b.started ? a.started < b.started : a.name < b.name;
  });
  return out;
}

std::optional<Instance> find_instance(const std::string& key) {
  if (key.starts_with("qemu:")) {
    for (auto& inst : list_instances())
      if (inst.handle() == key) return inst;
    return std::nullopt;
  }
  if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..") return std::nullopt;
  fs::path dir = runtime_root() / key;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return std::nullopt;
  return load_instance(dir);
}

std::string unused_instance_name(const std::string& base) {
  for (int i = 1;; i++) {
    std::string name = i == 1 ? base : base + "-" + std::to_string(i);
    auto inst = find_instance(name);
    if (!inst || inst->state != Instance::State::Running) return name;
  }
}

fs::path create_run_dir(const std::string& name) {
  fs::path dir = runtime_root() / name;
  if (::mkdir(dir.c_str(), 0700) == 0) return dir;
  if (errno != EEXIST) throw Failure("cannot create " + dir.string() + ": " + errno_string(errno));
  Instance old = load_instance(dir);
  if (old.state == Instance::State::Running)
    throw Failure("run: a guest named " + name + " is already running (" + old.handle() + "); stop it with 'kiln stop " +
                  name + "' or choose another -N");
  remove_run_dir(dir);
  if (::mkdir(dir.c_str(), 0700) != 0) throw Failure("cannot create " + dir.string() + ": " + errno_string(errno));
  return dir;
}

void remove_run_dir(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace kiln::cli
