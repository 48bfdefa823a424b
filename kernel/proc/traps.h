// What a trap means for the program: page faults resolved by mm or turned
// into SIGSEGV/SIGBUS, CPU exceptions into signals, and pending signals
// delivered on the way back to user mode.
#pragma once

namespace kiln {

// Installs the handlers arch calls (arch/x86_64/trap.h). Once, at boot.
void traps_init();

}  // namespace kiln
