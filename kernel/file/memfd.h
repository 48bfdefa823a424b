// memfd_create(2)'s files and the seals of fcntl(2) (memfd.cpp).
#pragma once

#include <stdint.h>

namespace kiln {

class File;

// F_ADD_SEALS and F_GET_SEALS on `f`, as fcntl returns them: the seals,
// 0, or -EINVAL (a file that cannot be sealed), -EPERM, -EBUSY.
[[nodiscard]] long file_seals(File* f, int cmd, uint64_t arg);

}  // namespace kiln
