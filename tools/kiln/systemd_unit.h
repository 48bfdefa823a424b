// `kiln systemd-unit`: a systemd service that runs one guest in the shape
// of the seeds' unit: `kiln run ... -N %p -i` in the foreground (its console
// goes to the journal), `kiln stop %p` to end it, restarted whenever it
// ends otherwise. docs/deployment.md explains each setting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util.h"

namespace kiln::cli {

inline constexpr uint64_t kDefaultStopSeconds = 10;  // kiln stop's grace period
// systemd's own wait beyond kiln stop's: enough for kiln stop to kill and
// reap QEMU after its grace period.
inline constexpr uint64_t kStopMarginSeconds = 5;

struct UnitSpec {
  fs::path kiln;         // the kiln that wrote the unit, absolute
  fs::path working_dir;  // absolute: relative IMAGE and -b paths mean what they meant here
  std::vector<std::string> run_words;  // PLATFORM [GUEST OPTIONS] [--] IMAGE [ARGS] as given
  bool interactive = false;            // -i among them already
  std::string image;
  uint64_t stop_seconds = kDefaultStopSeconds;
  std::vector<std::pair<std::string, std::string>> environment;  // KILN_* set when it was written
};

// One word of a command line or an assignment as systemd reads it: '%'
// doubled (specifiers), '$' doubled on command lines (variables), and the
// word double-quoted with C escapes if it holds blanks, quotes, backslashes
// or control characters, or is empty.
std::string systemd_quote(std::string_view word, bool command_line = true);

// The unit file's text. Pure.
std::string systemd_unit(const UnitSpec& spec);

}  // namespace kiln::cli
