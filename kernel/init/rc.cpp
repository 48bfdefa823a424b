// rc: process 1 is a kernel thread here, not a program. It starts each
// program as its child in the given order -- waiting for the foreground
// ones, leaving `&` ones running, connecting a `|` one's stdout to the next
// one's stdin -- reaps every process that ends (orphans come to it too),
// and ends the machine once none is left, with the last program's status,
// as a shell script would.
#include "init/rc.h"

#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/clock.h"
#include "core/console.h"
#include "core/heap.h"
#include "core/manifest.h"
#include "core/panic.h"
#include "core/thread.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "proc/exec.h"
#include "init/shutdown.h"
#include "init/stop.h"
#include "file/file.h"
#include "init/subsystem.h"
#include "file/pipe.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/sys_process.h"
#include "file/vfs.h"

namespace kiln {
namespace {

constexpr uint64_t kDhcpPatienceNs = 30'000'000'000;

struct Rc {
  const BootConfig* config;
  const ImageProgram* programs;
  size_t nprograms;
  RcEntry entries[BootConfig::kMaxRc];
  size_t count;
  int pids[BootConfig::kMaxRc];
  int last_status;  // the last entry's wait status, once it ended
};
Rc g_rc;

// The file a "bin" names: a program baked into the image (by the name it
// was baked under), else a path in the image.
const char* program_path(const char* bin) {
  for (size_t i = 0; i < g_rc.nprograms; i++)
    if (!strcmp(g_rc.programs[i].argv0, bin)) return g_rc.programs[i].path;
  return bin[0] == '/' ? bin : nullptr;
}

void complain_unknown(const char* bin) {
  kprintf("kiln: rc: no program \"%s\" in the image; it holds:", bin);
  for (size_t i = 0; i < g_rc.nprograms; i++) kprintf(" %s", g_rc.programs[i].argv0);
  kprintf(" (or give a path in the image)\n");
}

void release_pipe_ends(File* a, File* b) {
  if (a) a->put();
  if (b) b->put();
}

// Descriptors 0, 1 and 2 of a new program: the console, or the pipe ends
// given (whose references the table takes over).
bool give_stdio(FdTable& fds, File* in, File* out) {
  File* console = make_console_file();
  if (!console) return false;
  fds.install(in ? in : console);
  if (!in) console->get();
  fds.install(out ? out : console);
  if (!out) console->get();
  fds.install(console);
  return true;
}

// Loads the program at `path` into a new child of process 1 and starts its
// main thread; returns its pid, or a negative errno with *why set. The pipe
// ends are used up either way.
long spawn(const RcEntry& e, const char* path, File* in, File* out, const char** why) {
  *why = "out of memory";
  Process* init = init_process();
  Process* child = process_new(init);
  if (!child) {
    release_pipe_ends(in, out);
    return -kENOMEM;
  }
  child->pid = 0;  // until its main thread exists
  child->cwd = fs::location_dup(init->cwd);
  child->mm = mm_new();
  child->fds = new FdTable;
  if (!child->mm || !child->fds || !give_stdio(*child->fds, in, out)) {
    release_pipe_ends(in, out);
    process_discard(child);
    return -kENOMEM;
  }
  // As execve reads it: a baked program's bytes stay in the payload.
  fs::Location loc;
  uint8_t* image = nullptr;
  size_t size = 0;
  long r = vfs().resolve(init->cwd, path, fs::kFollow, &loc);
  if (r == 0) r = read_program_file(loc, true, &image, &size);
  if (r < 0) {
    *why = r == -kENOENT ? "no such file in the image" : r == -kEACCES ? "not executable" : "cannot read it";
    process_discard(child);
    return r;
  }
  child->blocks = new ExecBlocks;
  if (!child->blocks) {
    free_program_file(image, size);
    process_discard(child);
    return -kENOMEM;
  }
  child->blocks->image = image;  // given back with the child
  child->blocks->image_size = size;
  // exec_load fills the calling thread's process: this thread borrows the
  // child's for the while.
  Thread* self = current_thread();
  self->process = child;
  self->space = child->mm->space;
  paging::activate(child->mm->space);
  TrapFrame frame;
  ExecArgs args{e.argv, e.argc, g_rc.config->env, g_rc.config->nenv, path};
  bool loaded = exec_load(image, size, args, &frame, why);
  self->process = nullptr;
  self->space = 0;
  paging::activate(paging::kernel_space());
  Thread* t = loaded ? thread_create_user(frame, 0) : nullptr;
  if (!t) {
    if (loaded) *why = "out of memory";
    process_discard(child);
    return loaded ? -kENOMEM : -kENOEXEC;
  }
  t->process = child;
  t->space = child->mm->space;
  child->pid = t->tid;
  if (verbose()) kprintf("kiln: rc: started %s as pid %d\n", path, child->pid);
  return child->pid;
}

int entry_of(int pid) {
  for (size_t i = 0; i < g_rc.count; i++)
    if (g_rc.pids[i] == pid) return int(i);
  return -1;
}

// Reaps one ended process (blocking); -ECHILD once none is left.
long reap_one() {
  int status = 0;
  long pid = wait_child(*init_process(), -1, true, &status);
  if (pid <= 0) return pid;
  int i = entry_of(int(pid));
  if (i < 0) return pid;  // an orphan, or a program's own child
  g_rc.pids[i] = 0;
  if (size_t(i) == g_rc.count - 1) g_rc.last_status = status;
  // Like a shell, quiet about success (unless -v).
  const char* name = g_rc.entries[i].argv[0];
  if (status == 0 && !verbose()) return pid;
  if (status & 0x7f)
    kprintf("=== rc: %s (pid %ld) killed by %s ===\n", name, pid, signal_name(status & 0x7f));
  else
    kprintf("=== rc: %s (pid %ld) exit(%d) ===\n", name, pid, (status >> 8) & 0xff);
  return pid;
}

[[noreturn]] void run(void*) {
  if (subsystems_starting()) subsystems_wait_ready(monotonic_ns() + kDhcpPatienceNs);
  File* next_in = nullptr;
  for (size_t i = 0; i < g_rc.count; i++) {
    // Stopping: what has not started never will, as if ended by SIGTERM.
    if (stop_requested()) {
      release_pipe_ends(next_in, nullptr);
      g_rc.last_status = kSIGTERM;
      break;
    }
    const RcEntry& e = g_rc.entries[i];
    File* out = nullptr;
    File* in = next_in;
    next_in = nullptr;
    if (e.runmode == '|' && make_pipe(&next_in, &out) < 0) {
      kprintf("kiln: rc: out of memory for a pipe\n");
      release_pipe_ends(in, nullptr);
      program_exit(127);
    }
    const char* path = program_path(e.bin);
    const char* why = "";
    long pid = path ? spawn(e, path, in, out, &why) : -kENOENT;
    if (pid < 0) {
      if (!path) {
        complain_unknown(e.bin);
        release_pipe_ends(in, out);  // the pipeline's other end sees EOF or EPIPE
      } else {
        kprintf("kiln: rc: cannot start %s: %s\n", path, why);
      }
      g_rc.pids[i] = 0;
      if (i == g_rc.count - 1) g_rc.last_status = 127 << 8;
      continue;
    }
    g_rc.pids[i] = int(pid);
    if (!e.runmode)
      while (g_rc.pids[i]) reap_one();
  }
  while (reap_one() != -kECHILD) {
  }
  int s = g_rc.last_status;
  if (s & 0x7f) {
    char cause[32];
    format(cause, sizeof cause, "signal %s", signal_name(s & 0x7f));
    set_exit_cause(cause);
  }
  program_exit((s & 0x7f) ? 128 + (s & 0x7f) : (s >> 8) & 0xff);
}

}  // namespace

bool rc_wanted(const BootConfig& config, size_t baked_programs) {
  return config.nrc > 0 || baked_programs > 1;
}

void rc_start(const BootConfig& config, const ImageProgram* programs, size_t nprograms) {
  g_rc.config = &config;
  g_rc.programs = programs;
  g_rc.nprograms = nprograms;
  if (config.nrc) {
    g_rc.count = config.nrc;
    for (size_t i = 0; i < config.nrc; i++) g_rc.entries[i] = config.rc[i];
  } else {
    // No -r: every baked program in turn, each with the command line's
    // arguments, as Rumprun ran several programs with one "cmdline".
    g_rc.count = nprograms < BootConfig::kMaxRc ? nprograms : BootConfig::kMaxRc;
    for (size_t i = 0; i < g_rc.count; i++) {
      RcEntry& e = g_rc.entries[i];
      auto argv = static_cast<const char**>(kmalloc((config.nargs + 2) * sizeof(char*)));
      if (!argv) panic("out of memory");
      e.bin = programs[i].argv0;
      e.argc = 0;
      argv[e.argc++] = programs[i].argv0;
      for (size_t k = config.has_argv0 ? 1 : 0; k < config.nargs; k++) argv[e.argc++] = config.args[k];
      argv[e.argc] = nullptr;
      e.argv = argv;
    }
  }
  thread_take_id();  // pid 1 is this runner's
  if (!thread_create_kernel(run, nullptr)) panic("out of memory starting rc");
}

}  // namespace kiln
