// pidfd constants (linux/pidfd.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint32_t kPIDFD_NONBLOCK = 04000;  // O_NONBLOCK
// pidfd_send_signal flags (Linux 6.9).
inline constexpr uint64_t kPIDFD_SIGNAL_THREAD = 1, kPIDFD_SIGNAL_THREAD_GROUP = 2,
                          kPIDFD_SIGNAL_PROCESS_GROUP = 4;

}  // namespace kiln::inline abi
