// Anonymous pipes.
#pragma once

#include "file/file.h"

namespace kiln {

// Creates both ends (O_RDONLY / O_WRONLY); 0 or -ENOMEM.
[[nodiscard]] long make_pipe(File** read_end, File** write_end);

}  // namespace kiln
