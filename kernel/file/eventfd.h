#pragma once

#include <stdint.h>

#include "file/file.h"

namespace kiln {

// An eventfd with EFD_SEMAPHORE / EFD_NONBLOCK from `flags`; nullptr when out of memory.
File* make_eventfd(uint64_t initial, uint32_t flags);

}  // namespace kiln
