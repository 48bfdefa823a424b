#include "proc/traps.h"

#include "abi/linux/signal.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/sys_process.h"

namespace kiln {
namespace {

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
    exit_process(kSIGKILL);  // what Linux's OOM killer does (137 for pid 1)
  }
  if (!f.from_user()) {
    if (uaccess_fixup(&f.rip)) return;
    panic_trap(f);
  }
  if (r == FaultResult::Bus)
    return fault_signal(f, kSIGBUS, kBUS_ADRERR, pf.addr, "access past the end of a mapped file");
  bool mapped = mm().vmas.find(pf.addr) != nullptr;
  fault_signal(f, kSIGSEGV, mapped ? kSEGV_ACCERR : kSEGV_MAPERR, pf.addr,
               pf.write ? "invalid write" : pf.exec ? "invalid execution" : "invalid read");
}

// Exceptions from user mode become signals.
void user_exception(TrapFrame& f) {
  switch (f.vector) {
    case 0: return fault_signal(f, kSIGFPE, kFPE_INTDIV, f.rip, "integer divide by zero");
    case 3: return fault_signal(f, kSIGTRAP, kTRAP_BRKPT, f.rip, "breakpoint");
    case 6: return fault_signal(f, kSIGILL, kILL_ILLOPN, f.rip, "invalid opcode");
    case 13: return fault_signal(f, kSIGSEGV, kSI_KERNEL, 0, "general protection fault");
    case 16:
    case 19: return fault_signal(f, kSIGFPE, kFPE_FLTINV, f.rip, "floating point exception");
    case 17: return fault_signal(f, kSIGBUS, kBUS_ADRALN, f.rip, "alignment check");
    default: fault_signal(f, kSIGSEGV, kSI_KERNEL, f.rip, "unexpected exception");
  }
}

void returning_to_user(TrapFrame& f) { deliver_signals(f); }

}  // namespace

void traps_init() { trap_set_handlers(TrapHandlers{page_fault, user_exception, returning_to_user}); }

}  // namespace kiln
