// Processes through the Linux ABI: fork, vfork and clone without
// CLONE_THREAD; execve and execveat (ELF programs and #! scripts); exit of
// one process; wait4; getppid. The first program's process (pid 1) ending
// ends the machine (set_machine_stop: init/shutdown.cpp); any other leaves a zombie for its
// parent, or for pid 1 once its parent is gone.
#include "proc/sys_process.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/console.h"
#include "core/heap.h"
#include "core/memory.h"
#include "core/panic.h"
#include "core/thread.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/resource.h"
#include "abi/linux/sched.h"
#include "abi/linux/wait.h"
#include "proc/exec.h"
#include "proc/pidfd.h"
#include "file/file.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/syscall.h"
#include "mm/uaccess.h"
#include "file/vfs.h"
#include "mm/vm.h"

namespace kiln {
namespace {

constexpr uint64_t kForkFlags = kCLONE_VM | kCLONE_FS | kCLONE_FILES | kCLONE_SIGHAND |
                                kCLONE_VFORK | kCLONE_PARENT | kCLONE_SETTLS |
                                kCLONE_PARENT_SETTID | kCLONE_CHILD_CLEARTID |
                                kCLONE_CHILD_SETTID | kCSIGNAL;
constexpr size_t kArgMax = 256 * 1024;  // bytes of argv and envp strings
constexpr size_t kMaxArgs = 4096;
constexpr int kMaxScriptDepth = 4;

FdTable* copy_fds(const FdTable& from) {
  auto t = new FdTable;
  if (!t) return nullptr;
  for (int fd = 0; fd < FdTable::kMax; fd++) {
    if (!from.files[fd]) continue;
    t->files[fd] = from.files[fd];
    t->cloexec[fd] = from.cloexec[fd];
    from.files[fd]->get();
  }
  return t;
}


// A zombie's last remains.
void reap(Process* q) {
  delete q->fds;
  process_free(q);
}

// Zombies whose parent ignores SIGCHLD are freed here, away from the
// exiting thread (which runs until its last switch).
void free_unwanted_zombies() {
  for (Process* p = first_process(); p;) {
    Process* next = next_process(p);
    if (p->state == ProcessState::Zombie && p->parent &&
        p->parent->actions[kSIGCHLD].handler == kSIG_IGN && !thread_first(p))
      reap(p);
    p = next;
  }
}

long fork_process(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                  uint64_t tls) {
  if (flags & ~kForkFlags) return -kEINVAL;
  // Sharing descriptor tables or signal handlers between processes is not
  // offered; nobody forks with them.
  if (flags & (kCLONE_FILES | kCLONE_SIGHAND)) return -kEINVAL;
  free_unwanted_zombies();
  Process& parent = process();
  Process* child = process_new((flags & kCLONE_PARENT) && parent.parent ? parent.parent : &parent);
  if (!child) return -kEAGAIN;
  child->exit_signal = int(flags & kCSIGNAL);
  child->cwd = fs::location_dup(parent.cwd);
  child->root = fs::location_dup(parent.root);
  if (flags & kCLONE_VM) {
    child->mm = parent.mm;
    parent.mm->users++;
  } else {
    child->mm = mm_new();
    if (!child->mm || !vm_copy_space(*parent.mm, *child->mm)) {
      process_discard(child);
      return -kENOMEM;
    }
  }
  child->fds = copy_fds(*parent.fds);
  if (!child->fds) {
    process_discard(child);
    return -kENOMEM;
  }
  Thread* self = current_thread();
  Thread* t = clone_child_thread(flags, stack, tls);
  if (!t) {
    process_discard(child);
    return -kEAGAIN;
  }
  t->process = child;
  t->space = child->mm->space;
  t->altstack_sp = self->altstack_sp;
  t->altstack_size = self->altstack_size;
  t->altstack_flags = self->altstack_flags;
  child->pid = t->tid;
  int32_t pid = child->pid;
  if (flags & kCLONE_CHILD_CLEARTID) t->clear_child_tid = child_tid;
  if ((flags & kCLONE_PARENT_SETTID) && !put_user(parent_tid, pid)) return -kEFAULT;
  // Into the child's memory, not the parent's: the page is copy-on-write.
  if (flags & kCLONE_CHILD_SETTID) vm_store_u32_in(*child->mm, child_tid, uint32_t(pid));
  if (flags & kCLONE_VFORK) {
    // The parent sleeps until the child has its own memory (execve) or is gone.
    child->vforked = true;
    while (child->vforked) wait_on(child->vfork_wait, 0);
  }
  return pid;
}

// Ends the vfork wait of the parent, if any.
void release_vfork_parent(Process& p) {
  if (!p.vforked) return;
  p.vforked = false;
  wake_list(p.vfork_wait, -1);
}

// --- execve ---

// The new program's argv and envp, copied out of the old address space
// before it goes: one heap block of pointers and then strings.
struct ExecStrings {
  char* block = nullptr;
  const char** argv = nullptr;
  size_t argc = 0;
  const char** envp = nullptr;
  size_t envc = 0;
};

long count_strings(uint64_t uvec, size_t* n) {
  *n = 0;
  if (!uvec) return 0;
  for (;; (*n)++) {
    if (*n > kMaxArgs) return -kE2BIG;
    uint64_t p;
    if (!get_user(&p, uvec + *n * 8)) return -kEFAULT;
    if (!p) return 0;
  }
}

// Copies the user strings at uvec (n of them) after `prefix` kernel strings.
long copy_strings(uint64_t uvec, size_t n, const char* const* prefix, size_t nprefix,
                  const char** out, char** cursor, char* end) {
  for (size_t i = 0; i < nprefix + n; i++) {
    out[i] = *cursor;
    if (i < nprefix) {
      size_t len = strlen(prefix[i]) + 1;
      if (len > size_t(end - *cursor)) return -kE2BIG;
      memcpy(*cursor, prefix[i], len);
      *cursor += len;
      continue;
    }
    uint64_t p;
    if (!get_user(&p, uvec + (i - nprefix) * 8)) return -kEFAULT;
    long len = copy_string_from_user(*cursor, p, size_t(end - *cursor));
    if (len == -kENAMETOOLONG) return -kE2BIG;
    if (len < 0) return len;
    *cursor += len + 1;
  }
  out[nprefix + n] = nullptr;
  return 0;
}

// `skip` user argv entries are dropped (a script's argv[0] is replaced).
long copy_exec_strings(uint64_t uargv, uint64_t uenvp, const char* const* prefix, size_t nprefix,
                       size_t skip, ExecStrings* s) {
  size_t argc, envc;
  if (long r = count_strings(uargv, &argc); r < 0) return r;
  if (long r = count_strings(uenvp, &envc); r < 0) return r;
  if (skip > argc) skip = argc;
  size_t ptrs = (nprefix + argc - skip + 1 + envc + 1) * sizeof(char*);
  s->block = static_cast<char*>(kmalloc(ptrs + kArgMax));
  if (!s->block) return -kENOMEM;
  s->argv = reinterpret_cast<const char**>(s->block);
  s->argc = nprefix + argc - skip;
  s->envp = s->argv + s->argc + 1;
  s->envc = envc;
  char* cursor = s->block + ptrs;
  char* end = cursor + kArgMax;
  long r = copy_strings(uargv ? uargv + skip * 8 : 0, argc - skip, prefix, nprefix, s->argv,
                        &cursor, end);
  if (r == 0) r = copy_strings(uenvp, envc, nullptr, 0, s->envp, &cursor, end);
  if (r < 0) {
    kfree(s->block);
    s->block = nullptr;
  }
  return r;
}

// "#!interpreter [one argument]" on the first line: its parts, in `line`.
bool parse_shebang(const uint8_t* data, size_t size, char* line, size_t cap, char** interp,
                   char** arg) {
  if (size < 2 || data[0] != '#' || data[1] != '!') return false;
  size_t n = 0;
  for (size_t i = 2; i < size && data[i] != '\n' && n + 1 < cap; i++) line[n++] = char(data[i]);
  line[n] = 0;
  char* p = line;
  while (*p == ' ' || *p == '\t') p++;
  *interp = p;
  while (*p && *p != ' ' && *p != '\t') p++;
  *arg = nullptr;
  if (*p) {
    *p++ = 0;
    while (*p == ' ' || *p == '\t') p++;
    char* e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = 0;
    if (*p) *arg = p;
  }
  return **interp != 0;
}

// The parts of exec that change the calling process for good: other
// threads, memory, descriptors marked close-on-exec, signal handlers.
void become_new_program(Process& p, Thread* self) {
  stop_other_threads(&p);
  for (int fd = 0; fd < FdTable::kMax; fd++)
    if (p.fds->files[fd] && p.fds->cloexec[fd]) p.fds->close(fd);
  for (Sigaction& a : p.actions) {
    if (a.handler != kSIG_IGN) a.handler = kSIG_DFL;  // caught ones go back; SIG_IGN stays
    a.flags = 0;
    a.mask = 0;
  }
  self->pending_signals = 0;
  self->altstack_sp = self->altstack_size = 0;
  self->altstack_flags = kSS_DISABLE;
  self->clear_child_tid = 0;
  self->robust_list = 0;
  self->fs_base = 0;
  cpu::wrmsr(cpu::msr::kFsBase, 0);
  fpu::init_state(self->fpu_state);
  fpu::restore(self->fpu_state);
}

// What Linux shows as /proc/PID/exe: the file's absolute path, symlinks
// (/proc/self/exe among them) resolved. `dir` (whose reference this takes)
// and `last` are what a kParent lookup of a path to it gave. False when
// it cannot be named in `cap` bytes.
bool executable_path(fs::Location dir, const char* last, char* out, size_t cap) {
  long n = location_path(dir, out, cap);
  fs::location_put(dir);
  size_t len = strlen(last);
  if (n < 0 || size_t(n) + 1 + len + 1 > cap) return false;
  if (n > 1) out[n++] = '/';
  memcpy(out + n, last, len + 1);
  return true;
}

long do_execve(int64_t dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp, int flags) {
  if (flags & ~(kAT_EMPTY_PATH | kAT_SYMLINK_NOFOLLOW)) return -kEINVAL;
  char path[256];
  long plen = copy_string_from_user(path, upath, sizeof path);
  if (plen < 0) return plen;
  fs::Location loc;
  int follow = (flags & kAT_SYMLINK_NOFOLLOW) ? 0 : fs::kFollow;
  if (long r = user_path(dirfd, upath, follow, &loc, nullptr, flags & kAT_EMPTY_PATH); r < 0)
    return r;
  uint8_t* image;
  size_t size;
  if (long r = read_program_file(loc, true, &image, &size); r < 0) return r;
  char exe[256];
  fs::Location dir;
  char last[256];
  if (user_path(dirfd, upath, fs::kParent | follow, &dir, last, false) < 0 ||
      !executable_path(dir, last, exe, sizeof exe))
    memcpy(exe, path, size_t(plen) + 1);  // an empty path (AT_EMPTY_PATH), or too long

  // Scripts: the interpreter runs with the script's path as an argument
  // (argv: interpreter, [argument], path, argv[1...]).
  const char* prefix[3];
  size_t nprefix = 0, skip = 0;
  char shebang[2][256];
  char exec_path[256];
  memcpy(exec_path, path, size_t(plen) + 1);
  for (int depth = 0;; depth++) {
    char *interp, *arg;
    char* line = shebang[depth & 1];
    if (!parse_shebang(image, size, line, sizeof shebang[0], &interp, &arg)) break;
    if (depth == kMaxScriptDepth) {
      free_program_file(image, size);
      return -kELOOP;
    }
    free_program_file(image, size);
    fs::Location iloc;
    if (long r = vfs().resolve(cwd(), interp, fs::kFollow, &iloc, nullptr, process_top()); r < 0) return r;
    if (long r = read_program_file(iloc, true, &image, &size); r < 0) return r;
    nprefix = 0;
    prefix[nprefix++] = interp;
    if (arg) prefix[nprefix++] = arg;
    prefix[nprefix++] = path;
    skip = 1;
    size_t n = strlen(interp);
    if (n >= sizeof exec_path) n = sizeof exec_path - 1;
    memcpy(exec_path, interp, n);
    exec_path[n] = 0;
    if (vfs().resolve(cwd(), interp, fs::kParent | fs::kFollow, &dir, last, process_top()) < 0 ||
        !executable_path(dir, last, exe, sizeof exe))
      memcpy(exe, exec_path, n + 1);
    if (depth > 0) break;  // nested interpreters: the outer prefix is kept simple
  }
  elf::Image probe;
  if (probe.parse(image, size) != elf::Error::None) {
    free_program_file(image, size);
    return -kENOEXEC;
  }
  ExecStrings s;
  if (long r = copy_exec_strings(uargv, uenvp, prefix, nprefix, skip, &s); r < 0) {
    free_program_file(image, size);
    return r;
  }
  AddressSpace* fresh = mm_new();
  auto blocks = new ExecBlocks;
  if (!fresh || !blocks) {
    mm_put(fresh);
    delete blocks;
    free_program_file(image, size);
    kfree(s.block);
    return -kENOMEM;
  }
  blocks->image = image;
  blocks->image_size = size;
  blocks->strings = s.block;

  // No way back from here: a failure ends the process, as on Linux.
  Process& p = process();
  Thread* self = current_thread();
  become_new_program(p, self);
  AddressSpace* old = p.mm;
  p.mm = fresh;
  self->space = fresh->space;
  paging::activate(fresh->space);
  mm_put(old);
  release_vfork_parent(p);
  ExecBlocks* old_blocks = p.blocks;
  p.blocks = blocks;
  ExecArgs args{s.argv, s.argc, s.envp, s.envc, exec_path, exe};
  const char* error = "";
  bool ok = exec_load(image, size, args, syscall_frame(), &error);
  exec_blocks_put(old_blocks);  // children forked before still hold theirs
  if (!ok) {
    kprintf("kiln: execve %s: %s\n", exec_path, error);
    exit_process(kSIGSEGV);
  }
  syscall_request_iret();  // the whole frame is new
  return 0;
}

int wait_status_code(int status) {
  return (status & 0x7f) ? ((status & 0x80) ? kCLD_DUMPED : kCLD_KILLED) : kCLD_EXITED;
}

}  // namespace

void process_discard(Process* child) {
  if (child->fds) {
    child->fds->close_all();
    delete child->fds;
  }
  fs::location_put(child->cwd);
  fs::location_put(child->root);
  mm_put(child->mm);
  process_free(child);
}

long sys_fork(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return fork_process(kSIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return fork_process(kCLONE_VM | kCLONE_VFORK | kSIGCHLD, 0, 0, 0, 0);
}

long clone_process(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                   uint64_t tls) {
  if (flags & kCLONE_THREAD) return -kEINVAL;
  return fork_process(flags, stack, parent_tid, child_tid, tls);
}

long sys_execve(uint64_t path, uint64_t argv, uint64_t envp, uint64_t, uint64_t, uint64_t) {
  return do_execve(kAT_FDCWD, path, argv, envp, 0);
}

long sys_execveat(uint64_t dirfd, uint64_t path, uint64_t argv, uint64_t envp, uint64_t flags,
                  uint64_t) {
  return do_execve(int64_t(int32_t(dirfd)), path, argv, envp, int(flags));
}

namespace {
void (*g_machine_stop)(int status);  // never returns
}  // namespace

void set_machine_stop(void (*stop)(int status)) { g_machine_stop = stop; }

void exit_process(int wait_status) {
  // From inside a call (out of memory in a fault): it never returns.
  thread_drop_call_refs(current_thread());
  Process& p = process();
  if (&p == init_process()) {
    int sig = wait_status & 0x7f;
    if (sig) {
      char cause[32];
      format(cause, sizeof cause, "signal %s", signal_name(sig));
      set_exit_cause(cause);
    }
    g_machine_stop(sig ? 128 + sig : (wait_status >> 8) & 0xff);
  }
  Thread* self = current_thread();
  stop_other_threads(&p);
  p.fds->close_all();
  fs::location_put(p.cwd);
  p.cwd = fs::Location{};
  fs::location_put(p.root);
  p.root = fs::Location{};
  // Off this memory before the last reference to it goes.
  self->space = 0;
  paging::activate(paging::kernel_space());
  mm_put(p.mm);
  p.mm = nullptr;
  release_vfork_parent(p);
  for (Process* q = first_process(); q; q = next_process(q))
    if (q->parent == &p) q->parent = init_process();
  p.state = ProcessState::Zombie;
  p.wait_status = wait_status;
  pidfd_process_exited(p.pid);
  if (Process* parent = p.parent) {
    if (p.exit_signal)
      if (Thread* t = signal_target(parent, p.exit_signal))
        send_signal(t, p.exit_signal, wait_status_code(wait_status), p.pid, 0);
    wake_list(parent->child_wait, -1);
  }
  thread_exit();
}

namespace {

// Which children a wait takes: waitid's (idtype, id), wait4's pid turned
// into one.
struct WaitFor {
  int idtype;
  int id;
};

bool wanted(const Process& self, const Process& q, WaitFor w) {
  if (q.parent != &self) return false;
  switch (w.idtype) {
    case kP_PID: return q.pid == w.id;
    case kP_PGID: return q.pgid == w.id;
    default: return true;
  }
}

// The first wanted child that has ended (all its threads gone), or nullptr
// with *any telling whether a wanted child exists at all. Stopped and
// continued children are never reported: kiln does not stop processes.
Process* ended_child(Process& self, WaitFor w, bool* any) {
  *any = false;
  for (Process* q = first_process(); q; q = next_process(q)) {
    if (!wanted(self, *q, w)) continue;
    *any = true;
    if (q->state == ProcessState::Zombie && !thread_first(q)) return q;
  }
  return nullptr;
}

// Blocks (if `block`) until a wanted child has ended: it, or nullptr when
// none has and !block; -ECHILD, -EINTR in *err.
Process* wait_ended(Process& self, WaitFor w, bool block, long* err) {
  for (;;) {
    bool any = false;
    if (Process* q = ended_child(self, w, &any)) return q;
    *err = !any ? -kECHILD : !block ? 0 : signal_pending() ? -kEINTR : 1;
    if (*err != 1) return nullptr;
    wait_on(self.child_wait, 0);
  }
}

long wait_until_signal(Process& self) {
  while (!signal_pending()) wait_on(self.child_wait, 0);
  return -kEINTR;
}

WaitFor wait4_target(const Process& self, int pid) {
  if (pid == -1) return {kP_ALL, 0};
  if (pid == 0) return {kP_PGID, self.pgid};
  return pid < 0 ? WaitFor{kP_PGID, -pid} : WaitFor{kP_PID, pid};
}

bool clear_rusage(uint64_t rusage) {
  Rusage zeros = {};  // times and counters kiln does not keep
  return !rusage || copy_to_user(rusage, &zeros, sizeof zeros);
}

}  // namespace

long wait_child(Process& self, int pid, bool block, int* status) {
  long err = 0;
  Process* q = wait_ended(self, wait4_target(self, pid), block, &err);
  if (!q) return err;
  int found = q->pid;
  *status = q->wait_status;
  reap(q);
  return found;
}

long sys_wait4(uint64_t upid, uint64_t ustatus, uint64_t options, uint64_t rusage, uint64_t,
               uint64_t) {
  // Linux's options are an int: the upper half of the register does not count.
  if (uint32_t(options) & ~(kWNOHANG | kWUNTRACED | kWCONTINUED | kWALL | kWCLONE | kWNOTHREAD))
    return -kEINVAL;
  int status = 0;
  long found = wait_child(process(), int(upid), !(options & kWNOHANG), &status);
  if (found <= 0) return found;
  // As on Linux, the child is reaped even when the status cannot be stored.
  if (ustatus && !put_user(ustatus, int32_t(status))) return -kEFAULT;
  if (!clear_rusage(rusage)) return -kEFAULT;
  return found;
}

long sys_waitid(uint64_t uidtype, uint64_t uid, uint64_t infop, uint64_t options,
                uint64_t rusage, uint64_t) {
  constexpr uint64_t kNonblockPidfd = 1ull << 40;  // kiln's own mark, never a Linux bit
  constexpr uint64_t kKnown = kWNOHANG | kWNOWAIT | kWEXITED | kWSTOPPED | kWCONTINUED | kWNOTHREAD |
                              kWCLONE | kWALL;
  int idtype = int(uidtype), id = int(uid);
  if (options & ~kKnown || !(options & (kWEXITED | kWSTOPPED | kWCONTINUED))) return -kEINVAL;
  Process& self = process();
  switch (idtype) {
    case kP_ALL: break;
    case kP_PID:
      if (id <= 0) return -kEINVAL;
      break;
    case kP_PGID:
      if (id < 0) return -kEINVAL;
      if (id == 0) id = self.pgid;
      break;
    case kP_PIDFD: {
      // A non-blocking pidfd waits as WNOHANG does, but says EAGAIN.
      FileRef f = self.fds->get(id);
      long pid = pidfd_pid(f.file());
      if (pid < 0) return pid;
      if (f->nonblocking() && !(options & kWNOHANG)) options |= kWNOHANG | kNonblockPidfd;
      idtype = kP_PID;
      id = int(pid);
      break;
    }
    default: return -kEINVAL;
  }
  long err = 0;
  Process* q = nullptr;
  if (options & kWEXITED) q = wait_ended(self, {idtype, id}, !(options & kWNOHANG), &err);
  else {
    // Only stops and continues wanted, which never come: ECHILD if there
    // is nobody to wait for, else nothing now (WNOHANG) or until a signal.
    bool any = false;
    (void)ended_child(self, {idtype, id}, &any);
    err = !any ? -kECHILD : (options & kWNOHANG) ? 0 : wait_until_signal(self);
  }
  if (!q && err < 0) return err;
  if (!q && (options & kNonblockPidfd)) return -kEAGAIN;
  Siginfo info = {};
  if (q) {
    int ws = q->wait_status;
    info.signo = kSIGCHLD;
    info.code = wait_status_code(ws);
    info.u.child = {.pid = q->pid, .uid = q->cred.ruid,
                    .status = (ws & 0x7f) ? (ws & 0x7f) : (ws >> 8) & 0xff};
    if (!(options & kWNOWAIT)) reap(q);
  }
  // Linux writes these fields (zeros when WNOHANG found nobody), not the
  // rest of the 128 bytes.
  constexpr size_t kFilled = __builtin_offsetof(Siginfo, u) + sizeof info.u.child;
  if (infop && !copy_to_user(infop, &info, kFilled)) return -kEFAULT;
  if (!clear_rusage(rusage)) return -kEFAULT;
  return 0;
}

long sys_getppid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process* parent = process().parent;
  return parent ? parent->pid : 0;
}

}  // namespace kiln
