// /proc: what glibc, nginx, redis and python read about the process and
// the machine, generated when read.
#pragma once

#include "fs/node.h"

namespace kiln {

fs::FileSystem* procfs_create();

}  // namespace kiln
