// eventfd2's flags (<sys/eventfd.h>; the kernel's are linux/eventfd.h).
// Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

#include "abi/linux/fcntl.h"

namespace kiln::inline abi {

inline constexpr uint32_t kEFD_SEMAPHORE = 1, kEFD_CLOEXEC = kO_CLOEXEC,
                          kEFD_NONBLOCK = kO_NONBLOCK;

}  // namespace kiln::inline abi
