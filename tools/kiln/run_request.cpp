#include "run_request.h"

#include "args.h"
#include "errors.h"
#include "instances.h"

namespace kiln::cli {

namespace {

constexpr char kOptDryRun = 'D';
// Long-only options: ids below ' ', which no short flag can spell.
constexpr char kOptSyslog = 1, kOptLogSize = 2;

// "4096", "64K", "4M", "1G" (binary multiples).
bool parse_size(std::string_view text, uint64_t& out) {
  uint64_t unit = 1;
  if (!text.empty()) {
    char last = text.back();
    unit = last == 'K' || last == 'k' ? 1 << 10 : last == 'M' ? 1 << 20 : last == 'G' ? 1 << 30 : 1;
    if (unit != 1) text.remove_suffix(1);
  }
  uint64_t value;
  if (!parse_uint(text, 1, (uint64_t(1) << 40) / unit, value)) return false;
  out = value * unit;
  return out >= kMinLogBytes;
}
constexpr OptionSpec kScriptOptions[] = {
    {'h', "help", false},
    {kOptDryRun, "dry-run", false},
};

constexpr OptionSpec kGuestOptions[] = {
    {'h', "help", false}, {'M', "", true},  {'e', "", true}, {'N', "", true}, {'i', "", false},
    {'d', "", false},     {'D', "", true},  {'g', "", true}, {'v', "", false}, {'b', "", true},
    {'I', "", true},      {'W', "", true},  {'n', "", true}, {'r', "", true},
    // -p alone: paused (Rumprun); -p 8080:80: a port forward (docs/user-guide.md).
    {'p', "", false, looks_like_port_forward},
    // Parsed so the error can say why there is none.
    {'S', "", false},
    {kOptSyslog, "syslog", true},
    {kOptLogSize, "log-size", true},
};

}  // namespace

std::optional<RunRequest> parse_run_request(const Args& args) {
  RunRequest req;
  bool log_size_given = false;
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
      case 'b': req.disk_specs.push_back(opt.value); break;
      case 'I': req.net.add_interface(opt.value); break;
      case 'W': req.net.add_address(opt.value); break;
      case 'n': req.net.add_legacy(opt.value); break;
      case 'r': req.rc.push_back(parse_rc_program(opt.value)); break;
      case 'S': throw Failure("run: -S (sudo) is not supported; run kiln itself with the rights QEMU needs");
      case kOptSyslog: req.syslog = parse_syslog_server(opt.value); break;
      case kOptLogSize:
        if (!parse_size(opt.value, req.log_bytes))
          throw UsageError("run: --log-size wants a size of at least 4K (4096, 64K, 4M, 1G), not '" + opt.value +
                           "'");
        log_size_given = true;
        break;
    }
  }
  if (pos >= args.size()) throw UsageError("run: missing IMAGE (see 'kiln help run')");
  req.image = args[pos++];
  // Rumprun accepts "IMAGE -- ARGS" as well as "-- IMAGE ARGS".
  if (!guest.saw_double_dash && pos < args.size() && args[pos] == "--") ++pos;
  req.args.assign(args.begin() + static_cast<long>(pos), args.end());
  check_rc_programs(req.rc);
  if (log_size_given && req.interactive)
    throw UsageError("run: --log-size is for guests in the background: with -i the console is kiln's output");
  if (!req.rc.empty() && !req.args.empty())
    throw UsageError("run: with -r, each program's arguments go in its -r, not after the image");
  return req;
}

}  // namespace kiln::cli
