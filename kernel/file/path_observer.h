// Who wants to hear that a path name went away: an AF_UNIX socket bound to
// it stops answering to it. The socket layer sits above this one, so it
// registers here rather than being called by name.
#pragma once

#include "lib/linker_set.h"

namespace kiln {

struct PathObserver {
  void (*unlinked)(const char* path);  // after unlink() removed `path`
};

KILN_SET_DECLARE(path_observers, PathObserver)

}  // namespace kiln
