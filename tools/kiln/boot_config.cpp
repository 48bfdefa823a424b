#include "boot_config.h"

#include <time.h>

#include <nlohmann/json.hpp>

#include "errors.h"

namespace kiln::cli {

uint64_t unix_time_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
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
  try {
    return j.dump();
  } catch (const nlohmann::json::exception&) {
    throw UsageError("run: program arguments and environment must be valid UTF-8");
  }
}

}  // namespace kiln::cli
