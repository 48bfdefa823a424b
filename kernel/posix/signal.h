// Signals. Dispositions are recorded as Linux does; a signal whose action
// is to terminate ends the program with status 128+N and says why.
#pragma once

#include <stdint.h>

namespace kiln {

struct TrapFrame;

// Sends `sig` to the program itself (kill, tgkill, raise, abort).
long send_signal_to_self(int sig);
// A CPU fault in user code: report registers and a symbolized backtrace,
// then terminate with 128+sig.
[[noreturn]] void user_fault(const TrapFrame& frame, int sig, uint64_t fault_addr,
                             const char* what);
const char* signal_name(int sig);

}  // namespace kiln
