// Process file descriptors: pidfd_open(2), pidfd_send_signal(2), and
// waitid's P_PIDFD (pidfd.cpp).
#pragma once

#include <stdint.h>

namespace kiln {

class File;

// The pid a pidfd refers to, or -EBADF if `f` is not one.
[[nodiscard]] long pidfd_pid(File* f);
// exit_process tells the pidfds of `pid` that it ended (they turn readable).
void pidfd_process_exited(int pid);

}  // namespace kiln
