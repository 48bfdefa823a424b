#include "systemd_unit.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "errors.h"
#include "help.h"
#include "run_request.h"

namespace kiln::cli {

std::string systemd_quote(std::string_view word, bool command_line) {
  std::string escaped;
  bool quote = word.empty();
  for (char c : word) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '%') escaped += "%%";
    else if (c == '$' && command_line) escaped += "$$";
    else if (c == '"' || c == '\\') escaped += std::string("\\") + c, quote = true;
    else if (c == '\n') escaped += "\\n", quote = true;
    else if (c == '\t') escaped += "\\t", quote = true;
    else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      escaped += hex;
      quote = true;
    } else {
      quote = quote || c == ' ' || c == '\'' || c == ';';
      escaped += c;
    }
  }
  return quote ? "\"" + escaped + "\"" : escaped;
}

std::string systemd_unit(const UnitSpec& spec) {
  std::string kiln = systemd_quote(spec.kiln.string());
  std::string start = kiln + " run " + systemd_quote(spec.run_words.at(0)) + " -N %p" + (spec.interactive ? "" : " -i");
  for (size_t i = 1; i < spec.run_words.size(); i++) start += " " + systemd_quote(spec.run_words[i]);
  std::string env;
  for (const auto& [name, value] : spec.environment) env += "Environment=" + systemd_quote(name + "=" + value, false) + "\n";
  std::string image = fs::path(spec.image).filename().string();
  // clang-format off
  return
      "# Written by kiln systemd-unit. Install it as NAME.service (NAME, the unit's %p, names the\n"
      "# guest: kiln ps, kiln logs NAME); see docs/deployment.md.\n"
      "[Unit]\n"
      "Description=kiln unikernel %p (" + systemd_quote(image, false) + ")\n"
      "After=network.target\n"
      "\n"
      "[Service]\n"
      "Type=exec\n"
      "WorkingDirectory=" + systemd_quote(spec.working_dir.string(), false) + "\n" +
      env +
      // In the foreground: its console goes to the journal, tagged with the name.
      "ExecStart=" + start + "\n"
      "SyslogIdentifier=%p\n"
      // The graceful stop: kiln stop asks the guest, waits, and only then kills QEMU.
      "ExecStop=" + kiln + " stop -t " + std::to_string(spec.stop_seconds) + " %p\n"
      "TimeoutStopSec=" + std::to_string(spec.stop_seconds + kStopMarginSeconds) + "\n"
      // SIGTERM to kiln run only, which owns stopping its QEMU; SIGKILL to all at the end.
      "KillMode=mixed\n"
      "Restart=always\n"
      "RestartSec=1\n"
      // A program that ends on the SIGTERM a stop brings (128 + 15) stopped cleanly.
      "SuccessExitStatus=143\n"
      "\n"
      "[Install]\n"
      "WantedBy=multi-user.target\n";
  // clang-format on
}

namespace {

constexpr OptionSpec kUnitOptions[] = {{'h', "help", false}, {'t', "", true}};

}  // namespace

int cmd_systemd_unit(const Args& args) {
  size_t pos = 0;
  UnitSpec spec;
  for (const auto& opt : parse_options(args, pos, kUnitOptions, "systemd-unit").options) {
    if (opt.key == 'h') {
      std::cout << command_help("systemd-unit");
      return 0;
    }
    if (opt.key == 't' && !parse_uint(opt.value, 0, 3600, spec.stop_seconds))
      throw UsageError("systemd-unit: -t wants kiln stop's grace period in seconds (0-3600), not '" + opt.value + "'");
  }
  spec.run_words.assign(args.begin() + static_cast<long>(pos), args.end());
  if (spec.run_words.empty()) throw UsageError("systemd-unit: missing PLATFORM and IMAGE (see 'kiln help systemd-unit')");
  auto req = parse_run_request(spec.run_words);
  if (!req) {
    std::cout << command_help("systemd-unit");
    return 0;
  }
  // With the -i the unit adds, they must make a kiln run too: checked now
  // rather than when systemd starts it (--log-size is refused with -i).
  Args checked = spec.run_words;
  checked.insert(checked.begin() + 1, "-i");
  static_cast<void>(parse_run_request(checked));  // it throws what is wrong
  if (!req->name.empty())
    throw UsageError("systemd-unit: leave -N out: the guest is named after the unit (%p, NAME of NAME.service)");
  spec.interactive = req->interactive;
  spec.image = req->image.string();
  spec.kiln = fs::read_symlink("/proc/self/exe");
  spec.working_dir = fs::current_path();
  for (const char* name : {"KILN_KERNEL_DIR", "KILN_QEMU", "KILN_ACCEL"})
    if (auto value = getenv_view(name); !value.empty()) spec.environment.emplace_back(name, std::string(value));
  std::cout << systemd_unit(spec);
  return 0;
}

}  // namespace kiln::cli
