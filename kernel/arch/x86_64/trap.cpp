// Interrupt and exception dispatch.
#include "arch/x86_64/trap.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "core/irq.h"
#include "core/panic.h"
#include "proc/sys_process.h"
#include "core/thread.h"
#include "proc/signal.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "proc/process.h"

using namespace kiln;

namespace {

void page_fault(TrapFrame* f) {
  uint64_t addr = cpu::read_cr2();
  bool write = f->error & 2, exec = f->error & 16;
  if (f->from_user() || addr < kUserTop) {
    // Kernel touching user memory happens only in uaccess routines; there a
    // write to a present read-only page may be a first store (a shared file
    // page, a borrowed one), which the fault makes writable as for the program.
    bool kernel_protection = (f->error & 1) && !f->from_user();
    FaultResult r = kernel_protection && !(write && in_uaccess(f->rip))
                        ? FaultResult::Segv
                        : handle_user_fault(addr, write, exec);
    if (r == FaultResult::Handled) return;
    if (r == FaultResult::OutOfMemory) {
      vm_report_oom(addr);
      exit_process(kSIGKILL);  // what Linux's OOM killer does (137 for pid 1)
    }
    if (!f->from_user()) {
      if (uaccess_fixup(&f->rip)) return;
      panic_trap(*f);
    }
    if (r == FaultResult::Bus)
      return fault_signal(*f, kSIGBUS, kBUS_ADRERR, addr, "access past the end of a mapped file");
    bool mapped = mm().vmas.find(addr) != nullptr;
    fault_signal(*f, kSIGSEGV, mapped ? kSEGV_ACCERR : kSEGV_MAPERR, addr,
                 write ? "invalid write" : exec ? "invalid execution" : "invalid read");
    return;
  }
  panic_trap(*f);
}

// Exceptions from user mode become signals.
void user_exception(TrapFrame* f) {
  switch (f->vector) {
    case 0: return fault_signal(*f, kSIGFPE, kFPE_INTDIV, f->rip, "integer divide by zero");
    case 3: return fault_signal(*f, kSIGTRAP, kTRAP_BRKPT, f->rip, "breakpoint");
    case 6: return fault_signal(*f, kSIGILL, kILL_ILLOPN, f->rip, "invalid opcode");
    case 13: return fault_signal(*f, kSIGSEGV, kSI_KERNEL, 0, "general protection fault");
    case 16:
    case 19: return fault_signal(*f, kSIGFPE, kFPE_FLTINV, f->rip, "floating point exception");
    case 17: return fault_signal(*f, kSIGBUS, kBUS_ADRALN, f->rip, "alignment check");
    default:
      if (f->vector >= 32) {  // a device interrupt nobody claimed
        apic::eoi();
        return;
      }
      fault_signal(*f, kSIGSEGV, kSI_KERNEL, f->rip, "unexpected exception");
  }
}

}  // namespace

extern "C" void trap_dispatch(TrapFrame* f) {
  switch (f->vector) {
    case kVectorTimer:
      scheduler_tick(f->from_user());
      break;
    case kVectorSpurious:
      break;
    case 14:
      page_fault(f);
      break;
    default:
      if (irq_dispatch(f->vector)) {
        // A device woke a thread while the program ran: let it run now
        // rather than at the end of the slice.
        if (f->from_user()) yield();
        break;
      }
      if (!f->from_user()) panic_trap(*f);
      user_exception(f);
  }
  if (f->from_user()) deliver_signals(*f);
}
