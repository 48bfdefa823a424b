#include "proc/process.h"

#include "arch/x86_64/paging.h"
#include "core/heap.h"
#include "lib/mem.h"
#include "proc/exec.h"
#include "file/file.h"
#include "mm/vm.h"

namespace kiln {
namespace {

using ProcessList = List<Process, &Process::node>;
ProcessList g_processes;
Process* g_init;

}  // namespace

Process* init_process() {
  if (!g_init) {
    // Made on first use, at boot: pid 1 with an empty address space.
    static Process first;
    static FdTable fds;
    g_init = &first;
    first.fds = &fds;
    first.mm = mm_new();
    g_processes.push_back(&first);
  }
  return g_init;
}

Process& process() {
  Thread* t = current_thread();
  return t && t->process ? *t->process : *init_process();
}

AddressSpace& mm() { return *process().mm; }

Process* process_find(int pid) {
  for (Process* p = g_processes.front(); p; p = g_processes.next_of(p))
    if (p->pid == pid) return p;
  return nullptr;
}

Process* first_process() { return g_processes.front(); }
Process* next_process(Process* p) { return g_processes.next_of(p); }

Process* process_new(Process* parent) {
  auto p = new Process;
  if (!p) return nullptr;
  p->parent = parent;
  memcpy(p->exe_path, parent->exe_path, sizeof p->exe_path);
  p->image = parent->image;
  p->image_size = parent->image_size;
  if (parent->image) p->elf = parent->elf;
  p->load_bias = parent->load_bias;
  p->blocks = parent->blocks;  // the image and strings below point into them
  if (p->blocks) p->blocks->refs++;
  p->argv = parent->argv;
  p->argc = parent->argc;
  p->envp = parent->envp;
  p->envc = parent->envc;
  p->cred = parent->cred;
  p->pgid = parent->pgid;
  p->sid = parent->sid;
  // SCHED_RESET_ON_FORK: the child starts from the defaults (sched(7)).
  p->nice = parent->reset_on_fork && parent->nice < 0 ? 0 : parent->nice;
  p->policy = parent->reset_on_fork ? 0 : parent->policy;
  memcpy(p->actions, parent->actions, sizeof p->actions);
  p->umask = parent->umask;
  memcpy(p->hostname, parent->hostname, sizeof p->hostname);
  memcpy(p->rlimits, parent->rlimits, sizeof p->rlimits);
  g_processes.push_back(p);
  return p;
}

void process_free(Process* p) {
  exec_blocks_put(p->blocks);
  g_processes.remove(p);
  delete p;
}

void exec_blocks_put(ExecBlocks* b) {
  if (!b || --b->refs > 0) return;
  free_program_file(b->image, b->image_size);
  kfree(b->strings);
  delete b;
}

}  // namespace kiln
