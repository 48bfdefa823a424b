// Building the QEMU command line for a kiln guest (docs/internals.md,
// "Exit protocol (QEMU)"). Pure: no process is started here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "blk_devices.h"
#include "net_config.h"
#include "util.h"

namespace kiln::cli {

enum class Accel { Tcg, Kvm };
const char* accel_name(Accel accel);

struct QemuLaunch {
  std::string qemu;          // the binary, see qemu_binary()
  Accel accel = Accel::Tcg;
  uint64_t memory_mb = 64;
  bool console_stdio = false;  // -i: console on stdio; else FIFOs named after console_path
  fs::path console_path;
  fs::path status_path;      // the isa-debugcon status file
  fs::path control_path;     // the control channel's socket; empty: none
  bool paused = false;       // -p
  unsigned gdb_port = 0;     // -D PORT; 0 = none
  fs::path image;
  std::string append;        // the boot JSON
  std::vector<std::string> extra;  // -g
  std::vector<BlockDevice> disks;   // -b, in order: vda, vdb, ...
  std::vector<NetInterface> nics;  // -I/-n/-p, in order: eth0, eth1, ...
};

// $KILN_QEMU, else qemu-system-x86_64 (found in PATH).
std::string qemu_binary();

std::vector<std::string> qemu_argv(const QemuLaunch& launch);

}  // namespace kiln::cli
