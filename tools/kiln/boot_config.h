// The boot configuration JSON handed to the kernel on its command line
// (docs/internals.md, "Boot configuration").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "blk_devices.h"
#include "net_config.h"

namespace kiln::cli {

struct BootConfig {
  std::vector<std::string> args;  // argv[1...]
  std::vector<std::string> env;   // NAME=VALUE
  std::string hostname;           // "" = kernel default
  bool verbose = false;
  bool probe = false;
  std::optional<uint64_t> time_ns;  // wall clock at launch
  std::vector<NetEntry> net;       // -I/-W/-n/-p
  std::vector<BlockDevice> blk;    // -b
};

// Compact JSON; throws UsageError if a string is not valid UTF-8.
std::string boot_json(const BootConfig& config);

uint64_t unix_time_ns();

}  // namespace kiln::cli
