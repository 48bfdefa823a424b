// Ending the machine, when the first program (pid 1) ends: every process
// stops, descriptors close, the network and the file systems and disks are
// flushed first, so nothing written before a clean exit (or a fatal
// signal) is lost. Other processes end through exit_process
// (sys_process.h), which calls this for pid 1.
#pragma once

namespace kiln {

[[noreturn]] void program_exit(int status);
// program_exit has begun: the machine is on its way down.
bool machine_stopping();

}  // namespace kiln
