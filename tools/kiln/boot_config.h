// The boot configuration JSON handed to the kernel on its command line
// (docs/internals.md, "Boot configuration").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blk_devices.h"
#include "net_config.h"

namespace kiln::cli {

// A -r entry: one program of a multi-program image (Rumprun's "rc").
struct RcProgram {
  std::string bin;                // which baked program, or a path in the image
  std::vector<std::string> argv;  // its argv, argv[0] included
  std::string runmode;            // "": wait for it; "&": background; "|": pipe to the next
};

// "PROGRAM [ARGS...] [&|]" split as a shell would; throws UsageError.
RcProgram parse_rc_program(std::string_view spec);
// Throws UsageError unless the list can run (the last may not pipe).
void check_rc_programs(const std::vector<RcProgram>& rc);

// "syslog": where the kernel sends /dev/log's messages (kiln run --syslog).
struct SyslogTarget {
  std::string addr;      // numeric, as the kernel parses it
  uint16_t port = 514;
  std::string hostname;  // the messages' HOSTNAME: the instance's name
};

struct BootConfig {
  std::vector<std::string> args;  // argv[1...]
  std::vector<std::string> env;   // NAME=VALUE
  std::string hostname;           // "" = kernel default
  bool verbose = false;
  bool probe = false;
  std::optional<uint64_t> time_ns;  // wall clock at launch
  std::vector<NetEntry> net;       // -I/-W/-n/-p
  std::vector<BlockDevice> blk;    // -b
  std::vector<RcProgram> rc;       // -r
  std::optional<SyslogTarget> syslog;
};

// The program's environment: `given` (the -e entries, in order) and, after
// them, Docker's defaults for what it leaves out: PATH (Docker's default
// search path) and HOME=/. An entry names a variable up to its first '=',
// so "-e PATH=" (an empty PATH) still wins. The kernel passes the list on
// as it is; the policy is the launcher's, as a container engine's is.
std::vector<std::string> environment_with_defaults(const std::vector<std::string>& given);

// Compact JSON; throws UsageError if a string is not valid UTF-8.
std::string boot_json(const BootConfig& config);

uint64_t unix_time_ns();

}  // namespace kiln::cli
