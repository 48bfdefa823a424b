// Several programs in one image, run the way Rumprun's "rc" ran them
// (docs/user-guide.md, "Several programs in one image").
#pragma once

#include <stddef.h>

#include "core/bootcfg.h"

namespace kiln {

struct ImageProgram;

// Whether this boot runs an rc list rather than one program as pid 1:
// the launcher gave -r entries, or the image holds several programs.
bool rc_wanted(const BootConfig& config, size_t baked_programs);

// Starts process 1 as a kernel thread that runs the programs (after the
// network is configured) and ends the machine when every process is gone.
// Call before any program thread exists: pid 1 is kept for itself.
void rc_start(const BootConfig& config, const ImageProgram* programs, size_t nprograms);

}  // namespace kiln
