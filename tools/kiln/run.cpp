// `kiln run`: Rumprun's launcher for QEMU. Takes the request (run_request.h) to
// the host: names the instance, opens the -b images, writes the boot JSON,
// picks the accelerator and starts QEMU in the foreground (-i) or in the
// background.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "accel.h"
#include "blk_devices.h"
#include "boot_config.h"
#include "elf_file.h"
#include "commands.h"
#include "console_keeper.h"
#include "errors.h"
#include "help.h"
#include "instances.h"
#include "process.h"
#include "kiln/image.h"
#include "net_config.h"
#include "qemu.h"
#include "run_request.h"

namespace kiln::cli {

namespace {

// Exit status of `kiln run -i` when the guest reported none (docs/internals.md).
constexpr int kExitNoStatus = 125;
// How long a background launch watches QEMU for an immediate failure.
constexpr int kStartupCheckMs = 100;

// microvm's virtio-mmio slots, shared by -b and the network interfaces.
constexpr size_t kMaxVirtioDevices = 24;

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

volatile sig_atomic_t g_child_pid = 0;
volatile sig_atomic_t g_forwarded = 0;

void forward_signal(int sig) {
  if (g_child_pid > 0) ::kill(g_child_pid, sig);
  g_forwarded = sig;
}

int run_foreground(const std::vector<std::string>& argv, const fs::path& dir, const std::string& name) {
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {}, old_term {}, old_hup {};
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);
  ::sigaction(SIGHUP, &sa, &old_hup);

  pid_t pid = spawn(argv, {});
  g_child_pid = pid;
  record_pid(dir, pid);
  ExitInfo exit = *wait_child(pid, -1);
  g_child_pid = 0;
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);

  auto status = read_status(dir / "status");
  remove_run_dir(dir);
  if (status) return *status;
  if (g_forwarded) {
    std::fprintf(stderr, "kiln: guest %s stopped by %s\n", name.c_str(), signal_name(g_forwarded).c_str());
    return 128 + g_forwarded;
  }
  std::fprintf(stderr, "kiln: guest %s stopped without reporting an exit status (QEMU %s)\n", name.c_str(),
               exit.describe().c_str());
  return kExitNoStatus;
}

int run_background(const std::vector<std::string>& argv, const fs::path& dir, uint64_t log_bytes) {
  make_console_fifos(dir);
  ConsoleKeeperFds keeper = open_console_keeper_fds(dir);
  pid_t pid;
  try {
    pid = spawn(argv, {.new_session = true, .stdin_path = "/dev/null", .output_path = dir / "qemu.log"});
  } catch (...) {
    keeper.close();
    throw;
  }
  record_pid(dir, pid);
  try {
    start_console_keeper(keeper, pid, log_bytes);
  } catch (...) {
    ::kill(pid, SIGKILL);  // with nobody reading its console it would stall
    wait_child(pid, -1);
    throw;
  }
  // Catch a QEMU that refuses its command line, rather than print the handle
  // of a guest that never existed. A guest that already finished is fine.
  if (auto exit = wait_child(pid, kStartupCheckMs); exit && !read_status(dir / "status")) {
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
  auto argv = qemu_argv(launch);
  if (req->dry_run) {
    std::printf("%s\n", shell_join(argv).c_str());
    return 0;
  }
  try {
    write_text(dir / "image", launch.image.string() + "\n");
    write_text(dir / "cmd", shell_join(argv) + "\n");
    if (req->interactive) return run_foreground(argv, dir, name);
    return run_background(argv, dir, req->log_bytes);
  } catch (...) {
    remove_run_dir(dir);
    throw;
  }
}

}  // namespace kiln::cli
