// The table from Linux syscall number to handler, which init installs in the
// dispatcher (proc/syscall.h).
#pragma once

#include <stddef.h>

#include "proc/syscall.h"

namespace kiln {

const SyscallHandler* syscall_table();
size_t syscall_table_size();

}  // namespace kiln
