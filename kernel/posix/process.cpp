#include "posix/process.h"

namespace kiln {

Process& process() {
  static Process p;
  return p;
}

}  // namespace kiln
