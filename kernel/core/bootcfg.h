// The launcher's JSON boot configuration (docs/internals.md), parsed once
// at boot into plain strings the rest of the kernel can use.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

// A -b device: which disk, where to mount it, which file system.
struct BlockEntry {
  const char* dev = nullptr;         // "vda"
  const char* mountpoint = nullptr;  // nullptr: a raw device only
  const char* fstype = nullptr;      // "ext2", "iso9660", "raw"
  bool read_only = false;
};

// A -W configuration of an interface (one per interface and family).
struct NetEntry {
  const char* ifname = nullptr;  // "eth0"
  const char* mac = nullptr;
  const char* type = nullptr;    // "inet", "inet6"
  const char* method = nullptr;  // "static", "dhcp", "auto", "none"
  const char* addr = nullptr;
  int prefix = -1;               // from "mask"
  const char* gw = nullptr;
};

// A -r entry: one program of a multi-program image, as Rumprun's "rc".
struct RcEntry {
  const char* bin = nullptr;  // which program: a baked name or a path in the image
  const char** argv = nullptr;  // argv[0...], null-terminated
  size_t argc = 0;
  char runmode = 0;  // 0: wait for it; '&': background; '|': stdout to the next one's stdin
};

// --syslog: the server /dev/log's messages go to, over UDP (RFC 5424).
struct SyslogTarget {
  const char* addr = nullptr;      // an IPv4 or IPv6 address; nullptr: none, the console
  int port = 514;
  const char* hostname = nullptr;  // the messages' HOSTNAME: the instance's name
};

struct BootConfig {
  static constexpr size_t kMaxArgs = 256, kMaxEnv = 256, kMaxBlock = 26;
  const char* args[kMaxArgs];  // argv after argv[0]; or the whole argv if has_argv0
  size_t nargs = 0;
  bool has_argv0 = false;      // "cmdline" gave argv[0] too
  const char* env[kMaxEnv];
  size_t nenv = 0;
  const char* hostname = nullptr;
  int64_t time_ns = 0;         // 0: not given
  bool verbose = false;
  bool probe = false;
  bool selftest = false;       // the drivers' self-test instead of the program
  BlockEntry blk[kMaxBlock];
  size_t nblk = 0;
  static constexpr size_t kMaxNet = 16;
  NetEntry net[kMaxNet];
  size_t nnet = 0;
  static constexpr size_t kMaxRc = 16;
  RcEntry rc[kMaxRc];
  size_t nrc = 0;
  SyslogTarget syslog;
  static constexpr size_t kMaxUnknown = 8;
  const char* unknown[kMaxUnknown];  // keys this kernel does not know, to report
  size_t nunknown = 0;
};

// Parses `text` (the kernel command line). Strings are copied into storage
// from `alloc`. On error returns false and sets *error.
bool parse_boot_config(const char* text, size_t len, BootConfig* out,
                       void* (*alloc)(size_t), const char** error);

// Splits a Rumprun-style command line on blanks, honouring '', "" and \.
// Returns the number of words, or -1 if there are more than `max`.
int split_cmdline(const char* s, char** words, int max, void* (*alloc)(size_t));

}  // namespace kiln
