// `kiln run`'s command line read into a request: the script's flags,
// PLATFORM, the guest's flags, IMAGE and its arguments (docs/user-guide.md).
// Pure: nothing here looks at the host. run.cpp then names the instance,
// finishes the network plan and opens the -b images.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "blk_devices.h"
#include "boot_config.h"
#include "console_log.h"
#include "commands.h"
#include "net_config.h"
#include "syslog_server.h"
#include "util.h"

namespace kiln::cli {

struct RunRequest {
  bool dry_run = false;
  std::string platform;  // "qemu", "kvm" or "tcg"
  uint64_t memory_mb = 64;
  std::vector<std::string> env;
  std::string name;  // -N; "" if not given
  bool interactive = false;
  bool paused = false;
  unsigned gdb_port = 0;
  std::vector<std::string> extra;
  bool verbose = false;
  fs::path image;
  std::vector<std::string> args;
  std::vector<RcProgram> rc;            // -r, in order
  std::vector<std::string> disk_specs;  // -b as written, in order
  NetPlan net;                          // every -I/-W/-n/-p added; not finished
  std::optional<SyslogServer> syslog;   // --syslog
  uint64_t log_bytes = kDefaultLogBytes;  // --log-size: a background console's rotation
  // Filled in by run.cpp, from the host:
  std::string instance;  // the run directory's name: -N, else kiln-PID
  std::vector<BlockDevice> disks;
};

// Returns nullopt when help was asked for. Throws UsageError, or Failure
// for what kiln understands but does not offer (platform hvt, -S).
std::optional<RunRequest> parse_run_request(const Args& args);

}  // namespace kiln::cli
