#include "proc/syscall.h"

#include "arch/x86_64/trap.h"
#include "core/console.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "abi/linux/unistd.h"
#include "proc/signal.h"

namespace kiln {
namespace {

struct NamedSyscall {
  uint16_t nr;
  const char* name;
};
constexpr NamedSyscall kNames[] = {
#define SYSCALL(nr, name) {nr, #name},
#include "abi/linux/syscalls.h"
#undef SYSCALL
};

uint64_t g_reported[(kNR_syscalls + 63) / 64];

}  // namespace

TrapFrame* syscall_frame() { return current_thread()->syscall_frame; }
void syscall_request_iret() { current_thread()->syscall_iret = true; }

const char* syscall_name(uint64_t nr) {
  for (const auto& n : kNames)
    if (n.nr == nr) return n.name;
  return "?";
}

}  // namespace kiln

using namespace kiln;

namespace {
const SyscallHandler* g_table;
size_t g_table_size;
}  // namespace

void kiln::syscall_set_table(const SyscallHandler* table, size_t size) {
  g_table = table;
  g_table_size = size < kNR_syscalls ? size : kNR_syscalls;
}

extern "C" int syscall_dispatch(TrapFrame* f) {
  Thread* t = current_thread();
  t->syscall_frame = f;
  t->syscall_iret = false;
  uint64_t nr = f->rax;
  SyscallHandler h = nr < g_table_size ? g_table[nr] : nullptr;
  long ret;
  if (h) {
    ret = h(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
  } else {
    // Principle 1: never crash, say once what is missing.
    if (nr >= kNR_syscalls || !(g_reported[nr / 64] >> (nr % 64) & 1)) {
      if (nr < kNR_syscalls) g_reported[nr / 64] |= 1ull << (nr % 64);
      kprintf("kiln: unimplemented syscall %lu (%s), returning -ENOSYS\n", nr, syscall_name(nr));
    }
    ret = -kENOSYS;
  }
  if (!t->syscall_iret) f->rax = uint64_t(ret);
  // A signal that arrived meanwhile runs its handler before the program goes on.
  if (deliver_signals(*f)) t->syscall_iret = true;
  return t->syscall_iret;
}
