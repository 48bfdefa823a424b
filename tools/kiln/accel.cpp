#include "accel.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "boot_config.h"
#include "errors.h"
#include "instances.h"
#include "process.h"

namespace kiln::cli {

namespace {

constexpr char kProbeKernel[] = "hw_virtio.elf";

fs::path cache_dir() {
  if (auto xdg = getenv_view("XDG_CACHE_HOME"); !xdg.empty()) return fs::path(xdg) / "kiln";
  if (auto home = getenv_view("HOME"); !home.empty()) return fs::path(home) / ".cache" / "kiln";
  return {};
}

// The QEMU binary as a file, following PATH like execvp does.
fs::path resolve_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  std::string path(getenv_view("PATH"));
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    fs::path candidate = fs::path(path.substr(start, end - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

std::string file_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path.string() + ":missing";
  return path.string() + ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_size);
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

ProbeResult run_probe(const std::string& qemu, const fs::path& kernel) {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return {false, "cannot open /dev/kvm: " + errno_string(errno)};
  ::close(fd);

  std::string tmpl = (fs::temp_directory_path() / "kiln-probe.XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return {false, "cannot create a probe directory: " + errno_string(errno)};
  fs::path dir = tmpl;
  QemuLaunch launch;
  launch.qemu = qemu;
  launch.accel = Accel::Kvm;
  launch.console_path = dir / "console.log";
  launch.status_path = dir / "status";
  launch.image = kernel;
  BootConfig probe;
  probe.probe = true;
  launch.append = boot_json(probe);

  ProbeResult result{false, ""};
  try {
    SpawnOptions options;
    options.stdin_path = "/dev/null";
    options.output_path = dir / "qemu.log";
    pid_t pid = spawn(qemu_argv(launch), options);
    auto exit = wait_child(pid, kProbeTimeoutMs);
    if (!exit) {
      ::kill(pid, SIGKILL);
      wait_child(pid, -1);
    }
    auto status = read_status(launch.status_path);
    if (status && *status == 0) {
      result = {true, ""};
    } else if (status) {
      result.why = "probe guest exited with status " + std::to_string(*status);
    } else if (!exit) {
      result.why = "probe guest did not finish within " + std::to_string(kProbeTimeoutMs / 1000) + " s";
    } else {
      std::string log = read_text(dir / "qemu.log");
      while (!log.empty() && (log.back() == '\n' || log.back() == '\r')) log.pop_back();
      if (auto nl = log.rfind('\n'); nl != std::string::npos) log = log.substr(nl + 1);
      result.why = "probe guest stopped without a status, QEMU " + exit->describe() + (log.empty() ? "" : ": " + log);
    }
  } catch (const Failure& e) {
    result.why = e.what();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

}  // namespace

ProbeResult kvm_probe(const std::string& qemu) {
  fs::path kernel = kernel_dir() / kProbeKernel;
  std::error_code ec;
  if (!fs::exists(kernel, ec)) return {false, "no kernel to probe with: " + kernel.string() + " is missing"};
  fs::path qemu_file = resolve_in_path(qemu);
  if (qemu_file.empty()) return {false, qemu + " not found in PATH"};

  bool have_kvm = ::access("/dev/kvm", F_OK) == 0;
  std::string key = file_stamp(qemu_file) + "|" + file_stamp(kernel) + "|kvm:" + (have_kvm ? "1" : "0");
  char name[32];
  std::snprintf(name, sizeof name, "accel-%016llx", static_cast<unsigned long long>(fnv1a(key)));
  fs::path cache = cache_dir();
  // Launchers started together (ctest -j) probe once: the first holds the
  // lock while it probes, the others then find its verdict in the cache.
  int lock_fd = -1;
  if (!cache.empty()) {
    std::error_code mkdir_ec;
    fs::create_directories(cache, mkdir_ec);
    lock_fd = ::open((cache / (std::string(name) + ".lock")).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd >= 0) ::flock(lock_fd, LOCK_EX);
  }
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) ::close(fd);  // closing drops the flock
    }
  } unlock{lock_fd};
  if (!cache.empty()) {
    std::string cached = read_text(cache / name);
    // Line 1: the key (guards against hash collisions); line 2: "kvm" or "tcg REASON".
    if (auto nl = cached.find('\n'); nl != std::string::npos && cached.substr(0, nl) == key) {
      std::string verdict = cached.substr(nl + 1);
      while (!verdict.empty() && verdict.back() == '\n') verdict.pop_back();
      if (verdict == "kvm") return {true, ""};
      if (verdict.starts_with("tcg ")) return {false, verdict.substr(4)};
    }
  }

  ProbeResult result = have_kvm ? run_probe(qemu, kernel) : ProbeResult{false, "/dev/kvm does not exist"};
  if (!cache.empty()) {
    try {
      write_text(cache / name, key + "\n" + (result.kvm_works ? "kvm" : "tcg " + result.why) + "\n");
    } catch (...) {
      // A cache we cannot write only costs a probe next time.
    }
  }
  return result;
}

Accel choose_accel(const std::string& qemu) {
  std::string_view forced = getenv_view("KILN_ACCEL");
  if (forced == "tcg") return Accel::Tcg;
  if (forced == "kvm") return Accel::Kvm;
  if (!forced.empty()) throw UsageError("KILN_ACCEL must be tcg or kvm, not '" + std::string(forced) + "'");
  return kvm_probe(qemu).kvm_works ? Accel::Kvm : Accel::Tcg;
}

}  // namespace kiln::cli
