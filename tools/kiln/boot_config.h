// The boot configuration JSON handed to the kernel on its command line
// (docs/internals.md, "Boot configuration").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln::cli {

// One -b device as the kernel sees it: /dev/vdX, where to mount it.
struct BlockSpec {
  std::string dev;         // "vda", "vdb", ...
  std::string mountpoint;  // "" = an unmounted raw device
  std::string fstype;      // "iso9660", "ext2", "raw"
  bool read_only = false;
};

struct BootConfig {
  std::vector<std::string> args;  // argv[1...]
  std::vector<std::string> env;   // NAME=VALUE
  std::string hostname;           // "" = kernel default
  bool verbose = false;
  bool probe = false;
  std::optional<uint64_t> time_ns;  // wall clock at launch
  std::vector<BlockSpec> blk;
};

// Compact JSON; throws UsageError if a string is not valid UTF-8.
std::string boot_json(const BootConfig& config);

uint64_t unix_time_ns();

}  // namespace kiln::cli
