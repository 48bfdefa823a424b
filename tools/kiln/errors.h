// How the kiln CLI fails: every error is one line on stderr, "kiln: ...".
// Code throws one of these; main() catches them at the edge and picks the exit
// status (2 for a usage mistake, 1 for anything that went wrong at run time).
#pragma once

#include <stdexcept>
#include <string>

namespace kiln::cli {

inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// The command line is wrong: unknown flag, missing value, bad number...
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The command line is fine but the work failed: missing file, bad image...
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace kiln::cli
