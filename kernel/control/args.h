// Reading the arguments of the requests the protocol defines, portable so
// that the tests and the fuzzer read them as the kernel does.
#pragma once

#include <stdint.h>

#include "lib/json.h"

namespace kiln::control {

// stop's {"grace_ms": N}: N, or kDefaultGraceMs when absent. False, with
// *why, when it is there but not an integer from 0 to kMaxGraceMs. Other
// keys are ignored: a newer launcher may send more.
bool read_stop_args(const json::Value& args, uint64_t* grace_ms, const char** why);

}  // namespace kiln::control
