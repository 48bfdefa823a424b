// Ending the program: file systems and disks are synced first, so nothing
// written before a clean exit (or a fatal signal) is lost.
#pragma once

namespace kiln {

[[noreturn]] void program_exit(int status);

}  // namespace kiln
