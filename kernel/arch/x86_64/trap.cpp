// Interrupt and exception dispatch: arch decodes, the handlers installed
// from above decide (page faults go to mm, exceptions become signals).
#include "arch/x86_64/trap.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "core/irq.h"
#include "core/panic.h"
#include "core/thread.h"

using namespace kiln;

namespace {

TrapHandlers g_handlers;

void page_fault(TrapFrame* f) {
  PageFault pf{cpu::read_cr2(), (f->error & 2) != 0, (f->error & 16) != 0, (f->error & 1) != 0};
  if (!f->from_user() && pf.addr >= paging::kUserTop) panic_trap(*f);
  g_handlers.page_fault(*f, pf);
}

void exception(TrapFrame* f) {
  if (!f->from_user()) panic_trap(*f);
  if (f->vector >= 32) {  // a device interrupt nobody claimed
    apic::eoi();
    return;
  }
  g_handlers.user_exception(*f);
}

}  // namespace

void kiln::trap_set_handlers(const TrapHandlers& handlers) { g_handlers = handlers; }

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
      exception(f);
  }
  if (f->from_user()) g_handlers.returning_to_user(*f);
}
