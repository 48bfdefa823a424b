// For the launcher's tests: what a call threw, as main() would report it.
// "usage: ..." is exit status 2, "failure: ..." status 1 (errors.h); the
// rest of the string is the line after "kiln: ".
#pragma once

#include <functional>
#include <string>

#include "errors.h"

namespace kiln::cli {

inline std::string thrown(const std::function<void()>& call) {
  try {
    call();
  } catch (const UsageError& e) {
    return std::string("usage: ") + e.what();
  } catch (const Failure& e) {
    return std::string("failure: ") + e.what();
  }
  return "nothing thrown";
}

}  // namespace kiln::cli
