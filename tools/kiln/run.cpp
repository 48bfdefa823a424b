// `kiln run`: Rumprun's launcher for QEMU. Parses the flags, writes the boot
// JSON, picks the accelerator and starts QEMU in the foreground (-i) or in
// the background.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "accel.h"
#include "args.h"
#include "blk_devices.h"
#include "boot_config.h"
#include "elf_file.h"
#include "commands.h"
#include "errors.h"
#include "help.h"
#include "instances.h"
#include "process.h"
#include "kiln/image.h"
#include "net_config.h"
#include "qemu.h"

namespace kiln::cli {

namespace {

// Exit status of `kiln run -i` when the guest reported none (docs/internals.md).
constexpr int kExitNoStatus = 125;
// How long a background launch watches QEMU for an immediate failure.
constexpr int kStartupCheckMs = 100;

constexpr char kOptDryRun = 'D';
constexpr OptionSpec kScriptOptions[] = {
    {'h', "help", false},
    {kOptDryRun, "dry-run", false},
};

// microvm's virtio-mmio slots, shared by -b and the network interfaces.
constexpr size_t kMaxVirtioDevices = 24;

constexpr OptionSpec kGuestOptions[] = {
    {'h', "help", false}, {'M', "", true},  {'e', "", true}, {'N', "", true}, {'i', "", false},
    {'d', "", false},     {'D', "", true},  {'g', "", true}, {'v', "", false}, {'b', "", true},
    {'I', "", true},      {'W', "", true},  {'n', "", true}, {'r', "", true},
    // -p alone: paused (Rumprun); -p 8080:80: a port forward (docs/user-guide.md).
    {'p', "", false, looks_like_port_forward},
    // Parsed so the error can say why there is none.
    {'S', "", false},
};

struct RunRequest {
  bool dry_run = false;
  std::string platform;
  uint64_t memory_mb = 64;
  std::vector<std::string> env;
  std::string name;
  bool interactive = false;
  bool paused = false;
  unsigned gdb_port = 0;
  std::vector<std::string> extra;
  bool verbose = false;
  fs::path image;
  std::vector<std::string> args;
  std::vector<RcProgram> rc;  // -r, in order
  std::string instance;  // the run directory's name: -N, else kiln-PID
  std::vector<BlockDevice> disks;
  NetPlan net;
};

// Returns nullopt when help was asked for (and printed).
std::optional<RunRequest> parse_run(const Args& args) {
  RunRequest req;
  size_t pos = 0;
  auto script = parse_options(args, pos, kScriptOptions, "run");
  for (const auto& opt : script.options) {
    if (opt.key == 'h') return std::nullopt;
    if (opt.key == kOptDryRun) req.dry_run = true;
  }
  if (pos >= args.size()) throw UsageError("run: missing PLATFORM and IMAGE (see 'kiln help run')");
  req.platform = args[pos++];
  if (req.platform == "hvt" || req.platform == "xen" || req.platform == "iso" || req.platform == "ec2" ||
      req.platform == "hvf")
    throw Failure("run: platform '" + req.platform + "' is not available yet; use qemu, kvm or tcg");
  if (req.platform != "qemu" && req.platform != "kvm" && req.platform != "tcg")
    throw UsageError("run: unknown platform '" + req.platform + "' (use qemu, kvm or tcg; see 'kiln help run')");

  auto guest = parse_options(args, pos, kGuestOptions, "run");
  std::vector<std::string> disk_specs;
  for (const auto& opt : guest.options) {
    uint64_t value = 0;
    switch (opt.key) {
      case 'h': return std::nullopt;
      case 'M':
        if (!parse_uint(opt.value, 4, 1024 * 1024, value))
          throw UsageError("run: -M wants the memory in MiB, a number from 4 to 1048576, not '" + opt.value + "'");
        req.memory_mb = value;
        break;
      case 'e': {
        auto eq = opt.value.find('=');
        if (eq == std::string::npos || eq == 0)
          throw UsageError("run: -e wants VAR=VALUE, not '" + opt.value + "'");
        req.env.push_back(opt.value);
        break;
      }
      case 'N':
        check_instance_name(opt.value);
        req.name = opt.value;
        break;
      case 'i': req.interactive = true; break;
      case 'd': break;  // QEMU always ends when the guest halts (-no-reboot, isa-debug-exit)
      case 'p':
        if (opt.value.empty()) req.paused = true;
        else req.net.add_port_forward(opt.value);
        break;
      case 'D':
        if (!parse_uint(opt.value, 1, 65535, value))
          throw UsageError("run: -D wants a TCP port for gdb (1-65535), not '" + opt.value + "'");
        req.gdb_port = static_cast<unsigned>(value);
        break;
      case 'g': {
        auto words = shell_split(opt.value);
        req.extra.insert(req.extra.end(), words.begin(), words.end());
        break;
      }
      case 'v': req.verbose = true; break;
      case 'b': disk_specs.push_back(opt.value); break;
      case 'I': req.net.add_interface(opt.value); break;
      case 'W': req.net.add_address(opt.value); break;
      case 'n': req.net.add_legacy(opt.value); break;
      case 'r': req.rc.push_back(parse_rc_program(opt.value)); break;
      case 'S': throw Failure("run: -S (sudo) is not supported; run kiln itself with the rights QEMU needs");
    }
  }
  if (pos >= args.size()) throw UsageError("run: missing IMAGE (see 'kiln help run')");
  req.image = args[pos++];
  // Rumprun accepts "IMAGE -- ARGS" as well as "-- IMAGE ARGS".
  if (!guest.saw_double_dash && pos < args.size() && args[pos] == "--") ++pos;
  req.args.assign(args.begin() + static_cast<long>(pos), args.end());
  check_rc_programs(req.rc);
  if (!req.rc.empty() && !req.args.empty())
    throw UsageError("run: with -r, each program's arguments go in its -r, not after the image");

  // The devices, once every flag is known: -W may precede its -I.
  req.instance = req.name.empty() ? unused_instance_name("kiln-" + std::to_string(::getpid())) : req.name;
  req.net.finish(req.instance);
  if (disk_specs.size() + req.net.interfaces().size() > kMaxVirtioDevices)
    throw UsageError("run: at most " + std::to_string(kMaxVirtioDevices) +
                     " block devices and network interfaces together (microvm's virtio slots)");
  for (const auto& spec : disk_specs) req.disks.push_back(parse_block_device(spec, req.disks.size()));
  check_block_devices(req.disks);
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

int run_background(const std::vector<std::string>& argv, const fs::path& dir) {
  pid_t pid = spawn(argv, {.new_session = true, .stdin_path = "/dev/null", .output_path = dir / "qemu.log"});
  record_pid(dir, pid);
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
  BootConfig boot{.args = req->args, .env = req->env, .hostname = req->name, .verbose = req->verbose,
                  .time_ns = unix_time_ns(), .net = req->net.entries(), .blk = req->disks, .rc = req->rc};

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
    return run_background(argv, dir);
  } catch (...) {
    remove_run_dir(dir);
    throw;
  }
}

}  // namespace kiln::cli
