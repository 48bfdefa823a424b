#include "core/thread.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/clock.h"
#include "core/heap.h"
#include "core/memory.h"
#include "core/panic.h"
#include "core/run_queue.h"
#include "lib/mem.h"

namespace kiln {
namespace {

constexpr uint64_t kStackPages = 4;  // 16 KiB, with an unmapped guard page below

using AllList = List<Thread, &Thread::all_node>;

Thread* g_current;
RunQueue g_queue;
AllList g_all;
Thread* g_reap;  // a dead thread whose stack is freed once we are off it
uint64_t g_next_stack = kStackRegion;
uint64_t g_free_stacks[64];
int g_free_stack_count;
uint64_t g_slice_end;
int g_next_tid = 1;
bool g_idle;

bool alloc_stack(Thread* t) {
  uint64_t base;
  if (g_free_stack_count) {
    base = g_free_stacks[--g_free_stack_count];
  } else {
    base = g_next_stack + kPageSize;  // guard page stays unmapped
    for (uint64_t i = 0; i < kStackPages; i++) {
      uint64_t pa = alloc_frame();
      if (!pa || !paging::map(base + i * kPageSize, pa,
                              paging::kPresent | paging::kWritable | paging::kNoExecute))
        return false;
    }
    g_next_stack += (kStackPages + 1) * kPageSize;
  }
  t->stack_base = base;
  t->stack_top = base + kStackPages * kPageSize;
  return true;
}

void release(Thread* t) {
  if (g_free_stack_count < 64) {
    g_free_stacks[g_free_stack_count++] = t->stack_base;
  } else {
    for (uint64_t i = 0; i < kStackPages; i++) {
      uint64_t old = paging::unmap(t->stack_base + i * kPageSize);
      if (old) free_frames(old & paging::kAddrMask);
    }
  }
  kfree(t->fpu_state);
  delete t;
}

Thread* new_thread(void (*fn)(void*), void* arg, uint64_t* frame_slot) {
  auto t = new Thread;
  if (!t) return nullptr;
  // Zeroed: XSAVE leaves the header bytes past XSTATE_BV as they were,
  // and XRSTOR faults on garbage there.
  t->fpu_state = kzalloc(fpu::state_size());
  if (!t->fpu_state || !alloc_stack(t)) {
    kfree(t->fpu_state);
    delete t;
    return nullptr;
  }
  // Stack, from the top: a TrapFrame, then the frame switch_context pops.
  uint64_t frame_at = t->stack_top - sizeof(TrapFrame);
  auto s = reinterpret_cast<uint64_t*>(frame_at) - 7;
  s[0] = 0;                                   // r15
  s[1] = 0;                                   // r14
  s[2] = reinterpret_cast<uint64_t>(arg);     // r13
  s[3] = reinterpret_cast<uint64_t>(fn);      // r12
  s[4] = 0;                                   // rbx
  s[5] = 0;                                   // rbp
  s[6] = reinterpret_cast<uint64_t>(&thread_trampoline);
  t->saved_rsp = reinterpret_cast<uint64_t>(s);
  *frame_slot = frame_at;
  g_all.push_back(t);
  return t;
}

void user_thread_start(void*) {}

void arm_timer() {
  uint64_t next = g_queue.next_event(g_slice_end);
  if (next == RunQueue::kNever) return;
  uint64_t now = monotonic_ns();
  apic::arm_timer_ns(next > now ? next - now : 1);
}

void wake_expired() {
  uint64_t now = monotonic_ns();
  while (Thread* t = g_queue.pop_expired(now)) {
    t->timed_out = true;
    wake_thread(t);
  }
}

// Frees the thread that died before this switch, now that we are off its
// stack. Runs after every switch: here for threads that ran before, in
// thread_started() for a new thread's first run.
void reap_dead() {
  if (g_reap && g_reap != g_current) {
    release(g_reap);
    g_reap = nullptr;
  }
}

void switch_to(Thread* next) {
  Thread* prev = g_current;
  if (next == prev) return;
  fpu::save(prev->fpu_state);
  prev->fs_base = cpu::rdmsr(cpu::msr::kFsBase);
  prev->gs_base = cpu::rdmsr(cpu::msr::kGsBase);
  g_current = next;
  if (next->space) paging::activate(next->space);
  fpu::restore(next->fpu_state);
  cpu::wrmsr(cpu::msr::kFsBase, next->fs_base);
  cpu::wrmsr(cpu::msr::kGsBase, next->gs_base);
  arch::set_kernel_stack(next->stack_top);
  g_slice_end = monotonic_ns() + kSliceNs;
  arm_timer();  // the next sleeper's deadline, or the end of this slice
  switch_context(&prev->saved_rsp, next->saved_rsp);
  reap_dead();  // back on prev's stack
}

// Picks the next runnable thread, idling with hlt until there is one.
void schedule() {
  while (!g_queue.has_ready()) {
    g_idle = true;
    arm_timer();
    cpu::sti_hlt();
    g_idle = false;
    wake_expired();
  }
  switch_to(g_queue.take_next());
}

}  // namespace

Thread* current_thread() { return g_current; }

extern "C" void thread_started() { reap_dead(); }

namespace {
Thread* first_of(Thread* t, Process* p) {
  while (t && (t->kernel_only || t->process != p || t->state == ThreadState::Dead))
    t = g_all.next_of(t);
  return t;
}
}  // namespace

Thread* thread_first(Process* p) { return first_of(g_all.front(), p); }
Thread* thread_next(Thread* t) { return first_of(g_all.next_of(t), t->process); }

Thread* thread_find(int tid) {
  for (Thread* t = g_all.front(); t; t = g_all.next_of(t))
    if (!t->kernel_only && t->state != ThreadState::Dead && t->tid == tid) return t;
  return nullptr;
}
int thread_count(Process* p) {
  int n = 0;
  for (Thread* t = thread_first(p); t; t = thread_next(t)) n++;
  return n;
}

Thread* thread_create_kernel(void (*fn)(void*), void* arg) {
  uint64_t frame;
  Thread* t = new_thread(fn, arg, &frame);
  if (!t) return nullptr;
  fpu::init_state(t->fpu_state);
  t->kernel_only = true;
  g_queue.make_ready(t);
  if (g_current) arm_timer();
  return t;
}

int thread_take_id() { return g_next_tid++; }

Thread* thread_create_user(const TrapFrame& frame, uint64_t fs_base) {
  uint64_t slot;
  Thread* t = new_thread(user_thread_start, nullptr, &slot);
  if (!t) return nullptr;
  // Only program threads take ids: the main thread's is the pid, whatever
  // kernel threads (network, ...) started before it.
  t->tid = thread_take_id();
  memcpy(reinterpret_cast<void*>(slot), &frame, sizeof frame);
  if (g_current) {  // a clone: same process and space unless the caller changes them
    t->process = g_current->process;
    t->space = g_current->space;
  }
  // Linux gives the child a copy of the parent's FPU state.
  fpu::save(t->fpu_state);
  t->fs_base = fs_base;
  t->gs_base = cpu::rdmsr(cpu::msr::kGsBase);
  g_queue.make_ready(t);
  arm_timer();
  return t;
}

void scheduler_start() {
  Thread* first = g_queue.take_next();
  if (!first) panic("no thread to run");
  g_current = first;
  if (first->space) paging::activate(first->space);
  fpu::restore(first->fpu_state);
  arch::set_kernel_stack(first->stack_top);
  g_slice_end = monotonic_ns() + kSliceNs;
  uint64_t discard;
  switch_context(&discard, first->saved_rsp);
  __builtin_unreachable();
}

void yield() {
  if (!g_queue.has_ready()) return;
  g_queue.make_ready(g_current);
  schedule();
}

bool wait_on(WaitList& list, uint64_t deadline_ns) {
  Thread* t = g_current;
  t->state = ThreadState::Blocked;
  t->timed_out = false;
  t->interrupted = false;
  list.push_back(t);
  t->wait_list = &list;
  if (deadline_ns) g_queue.add_sleeper(t, deadline_ns);
  schedule();
  return !t->timed_out;
}

void sleep_until(uint64_t deadline_ns) {
  WaitList never_woken;
  while (monotonic_ns() < deadline_ns) wait_on(never_woken, deadline_ns);
}

void wake_thread(Thread* t) {
  if (t->state != ThreadState::Blocked) return;
  if (t->wait_list) {
    static_cast<WaitList*>(t->wait_list)->remove(t);
    t->wait_list = nullptr;
  }
  g_queue.remove_sleeper(t);
  t->state = ThreadState::Runnable;
  g_queue.make_ready(t);
  if (!g_idle) arm_timer();  // the running thread now has a slice to end
}

int wake_list(WaitList& list, int n) {
  int woken = 0;
  while ((n < 0 || woken < n) && !list.empty()) {
    Thread* t = list.front();
    t->timed_out = false;
    wake_thread(t);
    woken++;
  }
  return woken;
}

void thread_exit() {
  Thread* t = g_current;
  t->state = ThreadState::Dead;
  g_all.remove(t);
  g_reap = t;
  schedule();
  panic("a dead thread was scheduled");
}

void stop_other_threads(Process* p) {
  for (Thread* t = g_all.front(); t;) {
    Thread* next = g_all.next_of(t);
    bool mine = !p || t->process == p;
    if (t != g_current && !t->kernel_only && mine && t->state != ThreadState::Dead) {
      if (t->state == ThreadState::Blocked) {
        if (t->wait_list) static_cast<WaitList*>(t->wait_list)->remove(t);
        t->wait_list = nullptr;
        g_queue.remove_sleeper(t);
      } else {
        g_queue.remove_ready(t);
      }
      // wake_thread leaves it alone. Its stack stays allocated: objects on
      // it (poll watches, futex waiters) may still be linked elsewhere.
      t->state = ThreadState::Dead;
      thread_drop_call_refs(t);
    }
    t = next;
  }
}

void thread_drop_call_refs(Thread* t) {
  while (CallRef* r = t->call_refs.pop_front()) r->drop(r);
}

void scheduler_tick(bool from_user) {
  apic::eoi();
  wake_expired();
  if (from_user && !g_idle && monotonic_ns() >= g_slice_end && g_queue.has_ready()) {
    yield();
  }
  if (!g_idle) arm_timer();
}

}  // namespace kiln
