// `kiln run`: Rumprun's launcher for QEMU. Takes the request (run_request.h) to
// the host: names the instance, opens the -b images, writes the boot JSON,
// picks the accelerator and starts QEMU in the foreground (-i) or in the
// background.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "accel.h"
#include "blk_devices.h"
#include "boot_config.h"
#include "elf_file.h"
#include "commands.h"
#include "console_keeper.h"
#include "control_client.h"
#include "errors.h"
#include "help.h"
#include "instances.h"
#include "process.h"
#include "kiln/image.h"
#include "net_config.h"
#include "qemu.h"
#include "run_request.h"
#include "stop.h"

namespace kiln::cli {

namespace {

// Exit status of `kiln run -i` when the guest reported none (docs/internals.md).
constexpr int kExitNoStatus = 125;
// How long a background launch watches QEMU for an immediate failure.
constexpr int kStartupCheckMs = 100;

// microvm's virtio-mmio slots, shared by -b, the network interfaces and
// the control channel, which gets the last one free.
constexpr size_t kMaxVirtioDevices = 24;
// QEMU makes its control socket as it starts, before the guest runs.
constexpr int kControlSocketWaitMs = 1000;
// How often a foreground launcher looks at QEMU and at the signals it got.
constexpr int kTickMs = 10;
// QEMU's files, the control socket first, are the user's alone.
constexpr mode_t kQemuUmask = 0177;

// parse_run_request, then what needs the host; nullopt when help was asked for.
std::optional<RunRequest> parse_run(const Args& args) {
  auto req = parse_run_request(args);
  if (!req) return req;
  // The devices, once every flag is known: -W may precede its -I.
  req->instance = req->name.empty() ? unused_instance_name("kiln-" + std::to_string(::getpid())) : req->name;
  req->net.finish(req->instance);
  if (req->disk_specs.size() + req->net.interfaces().size() > kMaxVirtioDevices)
    throw UsageError("run: at most " + std::to_string(kMaxVirtioDevices) +
                     " block devices and network interfaces together (microvm's virtio slots)");
  for (const auto& spec : req->disk_specs) req->disks.push_back(parse_block_device(spec, req->disks.size()));
  check_block_devices(req->disks);
  return req;
}

Accel pick_accel(const RunRequest& req, const std::string& qemu) {
  if (req.platform == "tcg") return Accel::Tcg;
  if (req.platform == "qemu") return choose_accel(qemu);
  // kvm: required, and proven by the probe when a probe kernel exists.
  ProbeResult probe = kvm_probe(qemu);
  if (probe.kvm_works) return Accel::Kvm;
  if (probe.why.starts_with("no kernel to probe with")) {
    if (::access("/dev/kvm", R_OK | W_OK) == 0) return Accel::Kvm;
    probe.why = "cannot open /dev/kvm: " + errno_string(errno);
  }
  throw Failure("KVM cannot run a guest on this machine (" + probe.why + "); use 'kiln run qemu'");
}

// Catches the classic slip of running the program instead of its image
// (QEMU would fail with a less helpful message, or boot it as a kernel),
// and an image that cannot fit in the guest's memory: QEMU loads all of it
// into RAM, and the kernel needs some room of its own above it.
void check_image(const fs::path& image, uint64_t memory_mb) {
  Bytes data = read_file(image, "run: cannot read image");
  std::string name = image.string();
  if (!ElfFile::check(data).empty())
    throw Failure("run: " + name + " is not a kiln image (not an ELF64 file); make one with 'kiln bake'");
  ElfFile elf(data);
  if (elf.header().e_machine != EM_X86_64 || !elf.find_section(image::kPayloadSection))
    throw Failure("run: " + name + " is not a kiln image; bake it first: kiln bake hw_virtio " + name +
                  ".img " + name);
  uint64_t end = 0;
  for (size_t i = 0; i < elf.phdr_count(); i++) {
    Elf64_Phdr ph = elf.phdr(i);
    if (ph.p_type == PT_LOAD) end = std::max(end, ph.p_paddr + ph.p_memsz);
  }
  constexpr uint64_t kMiB = 1 << 20, kKernelRoom = kMiB;
  uint64_t need_mb = (end + kKernelRoom + kMiB - 1) / kMiB;
  if (memory_mb < need_mb)
    throw Failure("run: " + name + " does not fit in -M " + std::to_string(memory_mb) + ": the kernel and its " +
                  "files load up to " + std::to_string((end + kMiB - 1) / kMiB) + " MiB; give -M " +
                  std::to_string(need_mb) + " or more");
}

// RUNDIR/control.sock; none when kiln's own devices fill every virtio slot
// (the guest can then only be killed).
fs::path control_socket(const RunRequest& req, const fs::path& dir) {
  if (req.disks.size() + req.net.interfaces().size() == kMaxVirtioDevices) {
    std::fprintf(stderr, "kiln: run: %zu block devices and network interfaces fill microvm's virtio slots: "
                 "no control channel, so stopping this guest kills it\n", kMaxVirtioDevices);
    return {};
  }
  fs::path socket = dir / "control.sock";
  if (socket.string().size() > max_socket_path())
    throw Failure("run: " + socket.string() + " is too long for a unix socket (at most " +
                  std::to_string(max_socket_path()) + " bytes): set XDG_RUNTIME_DIR to a shorter directory");
  return socket;
}

// SIGINT, SIGTERM and SIGHUP to a foreground launcher: counted here, acted
// on by its loop (the first stops the guest, the next kill it).
volatile sig_atomic_t g_signals = 0;
volatile sig_atomic_t g_first_signal = 0;

void note_signal(int sig) {
  if (!g_first_signal) g_first_signal = sig;
  g_signals = g_signals + 1;
}

// The first signal asks the kernel to stop (QEMU does not see the signal:
// it runs with them blocked); the next one kills. A guest that cannot be
// asked is killed at once, as before kiln had a control channel.
void on_stop_signal(std::optional<GuestStop>& stop, pid_t pid, const fs::path& control, const std::string& name) {
  if (stop) {
    stop->hurry();
    return;
  }
  std::string why = "it has no control channel";
  if (!control.empty()) {
    stop.emplace(control, pid, kDefaultGraceMs, "guest " + name);
    if (stop->start(&why)) {
      std::fprintf(stderr, "kiln: stopping guest %s (%s before it is killed; again to kill it now)\n", name.c_str(),
                   format_grace(kDefaultGraceMs).c_str());
      return;
    }
    stop.reset();
  }
  std::fprintf(stderr, "kiln: guest %s cannot be asked to stop (%s): QEMU killed\n", name.c_str(), why.c_str());
  ::kill(pid, SIGKILL);
}

// Waits for QEMU, checking its control socket once it appears and turning
// signals into a stop.
ExitInfo watch_foreground(pid_t pid, const fs::path& control, const std::string& name) {
  std::optional<GuestStop> stop;
  bool socket_checked = control.empty();
  sig_atomic_t handled = 0;
  for (;;) {
    if (auto exit = wait_child(pid, kTickMs)) return *exit;
    if (!socket_checked) socket_checked = check_control_socket(control);
    for (; handled < g_signals; handled++) on_stop_signal(stop, pid, control, name);
    if (stop) stop->tick();
  }
}

// note_signal for the stop signals while it lives; what was there before after.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = note_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < std::size(kSignals); i++) ::sigaction(kSignals[i], &sa, &old_[i]);
  }
  ~StopSignals() {
    for (size_t i = 0; i < std::size(kSignals); i++) ::sigaction(kSignals[i], &old_[i], nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_[std::size(kSignals)] {};
};

int run_foreground(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& control,
                   const std::string& name) {
  StopSignals signals;
  SpawnOptions options;
  options.umask = kQemuUmask;
  options.block_stop_signals = true;
  options.die_with_parent = true;
  pid_t pid = spawn(argv, options);
  record_pid(dir, pid);
  ExitInfo exit;
  try {
    exit = watch_foreground(pid, control, name);
  } catch (...) {
    ::kill(pid, SIGKILL);
    wait_child(pid, -1);  // reaped; how it ended says nothing more
    throw;
  }

  auto status = read_status(dir / "status");
  remove_run_dir(dir);
  if (status) return *status;
  if (g_first_signal) {
    std::fprintf(stderr, "kiln: guest %s stopped by %s\n", name.c_str(), signal_name(g_first_signal).c_str());
    return 128 + g_first_signal;
  }
  std::fprintf(stderr, "kiln: guest %s stopped without reporting an exit status (QEMU %s)\n", name.c_str(),
               exit.describe().c_str());
  return kExitNoStatus;
}

// Watches a background QEMU for an immediate failure, and checks its
// control socket once QEMU made it, waiting a while for it (every later
// use checks it again: a QEMU slower than that is not refused). The exit
// of a guest that already finished, or nullopt.
std::optional<ExitInfo> watch_startup(pid_t pid, const fs::path& control) {
  int64_t start = monotonic_ms();
  bool socket_checked = control.empty();
  for (;;) {
    if (auto exit = wait_child(pid, kTickMs)) return exit;
    if (!socket_checked) socket_checked = check_control_socket(control);
    int64_t waited = monotonic_ms() - start;
    if (waited >= kControlSocketWaitMs || (socket_checked && waited >= kStartupCheckMs)) return std::nullopt;
  }
}

int run_background(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& control,
                   uint64_t log_bytes) {
  make_console_fifos(dir);
  ConsoleKeeperFds keeper = open_console_keeper_fds(dir);
  SpawnOptions options;
  options.new_session = true;
  options.stdin_path = "/dev/null";
  options.output_path = dir / "qemu.log";
  options.umask = kQemuUmask;
  pid_t pid;
  try {
    pid = spawn(argv, options);
  } catch (...) {
    keeper.close();
    throw;
  }
  record_pid(dir, pid);
  std::optional<ExitInfo> exit;
  try {
    start_console_keeper(keeper, pid, log_bytes);  // with nobody reading its console QEMU would stall
    exit = watch_startup(pid, control);
  } catch (...) {
    ::kill(pid, SIGKILL);
    wait_child(pid, -1);  // reaped; how it ended says nothing more
    throw;
  }
  // Catch a QEMU that refuses its command line, rather than print the handle
  // of a guest that never existed. A guest that already finished is fine.
  if (exit && !read_status(dir / "status")) {
    std::string log = read_text(dir / "qemu.log");
    while (!log.empty() && log.back() == '\n') log.pop_back();
    if (auto nl = log.find('\n'); nl != std::string::npos) log.resize(nl);
    remove_run_dir(dir);
    throw Failure("run: QEMU " + exit->describe() + (log.empty() ? "" : ": " + log));
  }
  std::printf("qemu:%d\n", pid);
  return 0;
}

}  // namespace

int cmd_run(const Args& args) {
  auto req = parse_run(args);
  if (!req) {
    std::cout << command_help("run");
    return 0;
  }
  std::error_code ec;
  check_image(req->image, req->memory_mb);

  const std::string& name = req->instance;
  // The HOSTNAME of the remote messages is the instance's name even when
  // -N was not given (kiln-PID), so that a server keeps each guest apart.
  std::optional<SyslogTarget> syslog;
  if (req->syslog)
    syslog = SyslogTarget{.addr = resolve_syslog_host(req->syslog->host), .port = req->syslog->port,
                          .hostname = name};
  BootConfig boot{.args = req->args, .env = environment_with_defaults(req->env), .hostname = req->name,
                  .verbose = req->verbose, .time_ns = unix_time_ns(), .net = req->net.entries(),
                  .blk = req->disks, .rc = req->rc, .syslog = syslog};

  QemuLaunch launch;
  launch.qemu = qemu_binary();
  launch.accel = pick_accel(*req, launch.qemu);
  launch.memory_mb = req->memory_mb;
  launch.console_stdio = req->interactive;
  launch.paused = req->paused;
  launch.gdb_port = req->gdb_port;
  launch.extra = req->extra;
  launch.disks = req->disks;
  launch.nics = req->net.interfaces();
  launch.image = fs::absolute(req->image, ec);
  launch.append = boot_json(boot);

  fs::path dir = req->dry_run ? runtime_root() / name : create_run_dir(name);
  launch.console_path = dir / "console.log";
  launch.status_path = dir / "status";
  launch.control_path = control_socket(*req, dir);
  auto argv = qemu_argv(launch);
  if (req->dry_run) {
    std::printf("%s\n", shell_join(argv).c_str());
    return 0;
  }
  try {
    write_text(dir / "image", launch.image.string() + "\n");
    write_text(dir / "cmd", shell_join(argv) + "\n");
    if (req->interactive) return run_foreground(argv, dir, launch.control_path, name);
    return run_background(argv, dir, launch.control_path, req->log_bytes);
  } catch (...) {
    remove_run_dir(dir);
    throw;
  }
}

}  // namespace kiln::cli
