// Linux's pidfd constants (uapi/linux/pidfd.h).
#pragma once

#include <stdint.h>

namespace kiln {

inline constexpr uint32_t PIDFD_NONBLOCK = 04000;  // O_NONBLOCK
// pidfd_send_signal flags (Linux 6.9).
inline constexpr uint64_t PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2,
                          PIDFD_SIGNAL_PROCESS_GROUP = 4;

}  // namespace kiln
