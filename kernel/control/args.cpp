#include "control/args.h"

#include "control/protocol.h"

namespace kiln::control {

bool read_stop_args(const json::Value& args, uint64_t* grace_ms, const char** why) {
  json::Value v = args.get("grace_ms");
  if (!v.valid()) {
    *grace_ms = kDefaultGraceMs;
    return true;
  }
  uint64_t ms;
  if (!v.as_uint(&ms) || ms > kMaxGraceMs) {
    *why = "grace_ms must be an integer from 0 to 3600000";
    return false;
  }
  *grace_ms = ms;
  return true;
}

}  // namespace kiln::control
