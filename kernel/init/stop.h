// Stopping the machine when the host asks (kiln stop, Ctrl-C on kiln run
// -i), as docker stop does: SIGTERM to the program -- with rc, to each of
// its programs, the last started first, each waited for -- and the normal
// exit once they are gone (program_exit: disks synced, the program's
// status). A kill sends SIGKILL to every process instead, and the exit
// follows the same way. The stop runs in a kernel thread of its own, so
// the caller (the control channel) never waits for it.
#pragma once

#include <stdint.h>

namespace kiln {

// Starts the stop. The host kills once `grace_ns` is over; the kernel
// kills on its own kStopBackstopNs later, in case the host went away. A
// second call may only bring that nearer.
inline constexpr uint64_t kStopBackstopNs = 5'000'000'000;
void stop_machine(uint64_t grace_ns);
// SIGKILL to every process now (starting the stop if need be).
void kill_machine();
// A stop has begun: rc starts no more programs.
bool stop_requested();

}  // namespace kiln
