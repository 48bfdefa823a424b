#include "boot_config.h"

#include <time.h>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "util.h"

namespace kiln::cli {

uint64_t unix_time_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

RcProgram parse_rc_program(std::string_view spec) {
  RcProgram p;
  p.argv = shell_split(spec);
  // The run mode may stand alone ("srv &") or end the last word ("srv&").
  if (!p.argv.empty()) {
    std::string& last = p.argv.back();
    if (last.ends_with('&') || last.ends_with('|')) {
      p.runmode = last.substr(last.size() - 1);
      last.pop_back();
      if (last.empty()) p.argv.pop_back();
    }
  }
  if (p.argv.empty())
    throw UsageError("run: -r wants 'PROGRAM [ARGS...] [&|]', not '" + std::string(spec) + "'");
  if (p.argv.back().ends_with('&') || p.argv.back().ends_with('|'))
    throw UsageError("run: -r '" + std::string(spec) + "': one run mode at most (& or |)");
  p.bin = p.argv[0];
  return p;
}

void check_rc_programs(const std::vector<RcProgram>& rc) {
  if (rc.size() > 16) throw UsageError("run: at most 16 programs (-r)");
  if (!rc.empty() && rc.back().runmode == "|")
    throw UsageError("run: the last -r program ('" + rc.back().bin + "') has nothing to pipe into");
}

std::vector<std::string> environment_with_defaults(const std::vector<std::string>& given) {
  static constexpr std::string_view kDefaults[] = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HOME=/",
  };
  std::vector<std::string> env = given;
  for (std::string_view def : kDefaults) {
    std::string_view name = def.substr(0, def.find('=') + 1);  // "PATH="
    bool set = false;
    for (const std::string& e : given) set = set || std::string_view(e).starts_with(name);
    if (!set) env.emplace_back(def);
  }
  return env;
}

std::string boot_json(const BootConfig& config) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (config.probe) j["probe"] = true;
  if (!config.args.empty()) j["args"] = config.args;
  if (!config.env.empty()) j["env"] = config.env;
  if (!config.hostname.empty()) j["hostname"] = config.hostname;
  if (config.verbose) j["verbose"] = true;
  if (config.time_ns) j["time"] = *config.time_ns;
  for (const auto& n : config.net) {
    nlohmann::ordered_json e = {{"if", n.ifname}, {"tag", n.tag}, {"mac", n.mac}, {"type", n.type},
                                {"method", n.method}};
    if (!n.addr.empty()) {
      e["addr"] = n.addr;
      e["mask"] = n.mask;
    }
    if (!n.gw.empty()) e["gw"] = n.gw;
    j["net"].push_back(std::move(e));
  }
  for (const auto& b : config.blk) {
    nlohmann::ordered_json e = {{"dev", b.dev}, {"serial", b.serial}, {"path", "/dev/" + b.dev}};
    if (!b.mountpoint.empty()) e["mountpoint"] = b.mountpoint;
    e["fstype"] = b.fstype;
    e["ro"] = b.read_only;
    j["blk"].push_back(std::move(e));
  }
  for (const auto& r : config.rc) {
    nlohmann::ordered_json e = {{"bin", r.bin}, {"argv", r.argv}};
    if (!r.runmode.empty()) e["runmode"] = r.runmode;
    j["rc"].push_back(std::move(e));
  }
  if (config.syslog)
    j["syslog"] = {{"addr", config.syslog->addr}, {"port", config.syslog->port},
                   {"hostname", config.syslog->hostname}};
  try {
    return j.dump();
  } catch (const nlohmann::json::exception&) {
    throw UsageError("run: program arguments and environment must be valid UTF-8");
  }
}

}  // namespace kiln::cli
