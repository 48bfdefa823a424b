#include "proc/traps.h"

#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/sys_process.h"

namespace kiln {
namespace {

// Linux's si_code values for the faults below.
constexpr int ILL_ILLOPN = 2, FPE_INTDIV = 1, FPE_FLTINV = 7, TRAP_BRKPT = 1, BUS_ADRALN = 1,
              BUS_ADRERR = 2;

void page_fault(TrapFrame& f, const PageFault& pf) {
  // Kernel touching user memory happens only in uaccess routines; there a
  // write to a present read-only page may be a first store (a shared file
  // page, a borrowed one), which the fault makes writable as for the program.
  bool kernel_protection = pf.present && !f.from_user();
  FaultResult r = kernel_protection && !(pf.write && in_uaccess(f.rip))
                      ? FaultResult::Segv
                      : handle_user_fault(pf.addr, pf.write, pf.exec);
  if (r == FaultResult::Handled) return;
  if (r == FaultResult::OutOfMemory) {
    vm_report_oom(pf.addr);
    set_exit_cause("oom");  // for the launcher, rather than a bare SIGKILL
    exit_process(SIGKILL);  // what Linux's OOM killer does (137 for pid 1)
  }
  if (!f.from_user()) {
    if (uaccess_fixup(&f.rip)) return;
    panic_trap(f);
  }
  if (r == FaultResult::Bus)
    return fault_signal(f, SIGBUS, BUS_ADRERR, pf.addr, "access past the end of a mapped file");
  bool mapped = mm().vmas.find(pf.addr) != nullptr;
  fault_signal(f, SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, pf.addr,
               pf.write ? "invalid write" : pf.exec ? "invalid execution" : "invalid read");
}

// Exceptions from user mode become signals.
void user_exception(TrapFrame& f) {
  switch (f.vector) {
    case 0: return fault_signal(f, SIGFPE, FPE_INTDIV, f.rip, "integer divide by zero");
    case 3: return fault_signal(f, SIGTRAP, TRAP_BRKPT, f.rip, "breakpoint");
    case 6: return fault_signal(f, SIGILL, ILL_ILLOPN, f.rip, "invalid opcode");
    case 13: return fault_signal(f, SIGSEGV, SI_KERNEL, 0, "general protection fault");
    case 16:
    case 19: return fault_signal(f, SIGFPE, FPE_FLTINV, f.rip, "floating point exception");
    case 17: return fault_signal(f, SIGBUS, BUS_ADRALN, f.rip, "alignment check");
    default: fault_signal(f, SIGSEGV, SI_KERNEL, f.rip, "unexpected exception");
  }
}

void returning_to_user(TrapFrame& f) { deliver_signals(f); }

}  // namespace

void traps_init() { trap_set_handlers(TrapHandlers{page_fault, user_exception, returning_to_user}); }

}  // namespace kiln
