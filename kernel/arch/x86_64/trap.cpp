// Interrupt and exception dispatch.
#include "arch/x86_64/trap.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "core/panic.h"
#include "core/thread.h"
#include "posix/signal.h"
#include "posix/uaccess.h"
#include "posix/vm.h"

using namespace kiln;

namespace {

constexpr int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;

void page_fault(TrapFrame* f) {
  uint64_t addr = cpu::read_cr2();
  bool write = f->error & 2, exec = f->error & 16;
  if (f->from_user() || addr < kUserTop) {
    // Kernel touching user memory happens only in uaccess routines.
    FaultResult r = (f->error & 1) && !f->from_user() ? FaultResult::Segv
                                                      : handle_user_fault(addr, write, exec);
    if (r == FaultResult::Handled) return;
    if (r == FaultResult::OutOfMemory) {
      vm_report_oom(addr);
      machine_exit(137);  // what Linux's OOM killer's SIGKILL reports
    }
    if (!f->from_user()) {
      if (uaccess_fixup(&f->rip)) return;
      panic_trap(*f);
    }
    user_fault(*f, SIGSEGV, addr, write ? "invalid write" : exec ? "invalid execution"
                                                                 : "invalid read");
  }
  panic_trap(*f);
}

}  // namespace

extern "C" void trap_dispatch(TrapFrame* f) {
  switch (f->vector) {
    case kVectorTimer:
      scheduler_tick(f->from_user());
      return;
    case kVectorSpurious:
      return;
    case 14:
      page_fault(f);
      return;
    default:
      break;
  }
  if (!f->from_user()) panic_trap(*f);
  switch (f->vector) {
    case 0: user_fault(*f, SIGFPE, f->rip, "integer divide by zero");
    case 3: user_fault(*f, SIGTRAP, f->rip, "breakpoint");
    case 6: user_fault(*f, SIGILL, f->rip, "invalid opcode");
    case 13: user_fault(*f, SIGSEGV, 0, "general protection fault");
    case 16:
    case 19: user_fault(*f, SIGFPE, f->rip, "floating point exception");
    case 17: user_fault(*f, SIGBUS, f->rip, "alignment check");
    default:
      if (f->vector >= 32) {  // a device interrupt nobody claimed
        apic::eoi();
        return;
      }
      user_fault(*f, SIGSEGV, f->rip, "unexpected exception");
  }
}
