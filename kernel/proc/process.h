// Processes: each program runs in one, with its own address space (unless
// it shares its parent's after vfork), descriptors, working directory,
// signal dispositions and identity. The first program is pid 1; its exit
// ends the machine (init/shutdown.h). fork, vfork, execve and wait4 are in
// sys_process.cpp.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/resource.h"
#include "abi/linux/signal.h"
#include "abi/linux/utsname.h"
#include "lib/list.h"
#include "core/thread.h"
#include "lib/fallible.h"
#include "fs/vfs.h"
#include "lib/elf.h"
#include "mm/address_space.h"

namespace kiln {

struct FdTable;

// The heap blocks a program runs from: the file execve read and its argv
// and envp strings. A forked child points into its parent's until it execs
// (its image, ELF view, argv and envp), so the blocks are shared and freed
// with the last reference, whichever process goes first.
struct ExecBlocks : Fallible {  // Fallible: `new` may yield nullptr
  int refs = 1;
  uint8_t* image = nullptr;  // from read_program_file, or nullptr
  size_t image_size = 0;
  void* strings = nullptr;   // kmalloc'd, or nullptr
};
void exec_blocks_put(ExecBlocks* b);

enum class ProcessState : uint8_t { Running, Zombie };

struct Process : Fallible {
  int pid = 1;
  Process* parent = nullptr;
  AddressSpace* mm = nullptr;
  FdTable* fds = nullptr;
  fs::Location cwd;
  fs::Location root;  // chroot(2)'s; no node: the tree's root

  // The program image, kept for /proc/self/exe and symbolized backtraces:
  // the payload's bytes, or `blocks`' when execve read it from a file.
  const uint8_t* image = nullptr;
  size_t image_size = 0;
  ExecBlocks* blocks = nullptr;  // a reference, or nullptr
  elf::Image elf;
  uint64_t load_bias = 0;
  char exe_path[256] = "/";
  // The command line and environment it started with (/proc/self/cmdline,
  // environ); in `blocks` after an execve.
  const char* const* argv = nullptr;
  size_t argc = 0;
  const char* const* envp = nullptr;
  size_t envc = 0;

  // Credentials: the program starts as root and may drop privileges
  // (memcached -u, nginx user ...), with Linux's rules.
  struct Credentials {
    uint32_t ruid = 0, euid = 0, suid = 0, fsuid = 0;
    uint32_t rgid = 0, egid = 0, sgid = 0, fsgid = 0;
    uint32_t groups[32] = {};
    size_t ngroups = 0;
  } cred;

  // Process group and session (setpgid, setsid); fork inherits them.
  int pgid = 1;
  int sid = 1;
  // Scheduling as sched_setscheduler(2) and setpriority(2) set it. Linux
  // keeps both per thread; kiln per process (FIXME: per thread, when a
  // program sets a thread's own). The scheduler is round-robin and does not
  // weigh them yet: they are what the calls report back and fork passes on.
  int nice = 0;
  int policy = 0;          // SCHED_OTHER, SCHED_BATCH or SCHED_IDLE
  bool reset_on_fork = false;

  Sigaction actions[kSIGRTMAX + 1] = {};  // by signal number
  uint32_t umask = 022;
  char hostname[kNEW_UTS_LEN + 1] = "kiln";
  uint64_t rlimits[kRLIM_NLIMITS][2] = {};  // soft, hard

  // Life and death.
  ProcessState state = ProcessState::Running;
  int exit_signal = kSIGCHLD;  // or what clone asked for
  int wait_status = 0;    // as wait4 reports it, once a zombie
  WaitList child_wait;    // wait4 callers, woken when a child changes state
  WaitList vfork_wait;    // the vfork parent, until this child execs or exits
  bool vforked = false;
  ListNode node;          // all processes
};

// The calling thread's process (pid 1 before any thread runs).
Process& process();
Process* process_find(int pid);
Process* first_process();
Process* next_process(Process* p);
// The first program's process and address space, made at boot.
Process* init_process();
// A new process: a copy of `parent`'s identity, no memory, no descriptors.
Process* process_new(Process* parent);
// Frees a reaped zombie (or a process never started), dropping its
// reference to the blocks it ran from.
void process_free(Process* p);

}  // namespace kiln
