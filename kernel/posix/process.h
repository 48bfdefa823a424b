// The one program a kiln guest runs: its memory map, its threads' shared
// state, signal dispositions and identity. (No fork: there is exactly one.)
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/elf.h"
#include "posix/vma.h"

namespace kiln {

struct SigAction {
  uint64_t handler;  // SIG_DFL = 0, SIG_IGN = 1
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
};

struct Process {
  int pid = 1;
  VmaSet vmas;
  uint64_t brk_start = 0, brk_end = 0;
  uint64_t mmap_top = 0;      // mappings without a hint go below this
  uint64_t stack_top = 0;

  // The program image, kept for /proc/self/exe and symbolized backtraces.
  const uint8_t* image = nullptr;
  size_t image_size = 0;
  elf::Image elf;
  uint64_t load_bias = 0;
  char exe_path[256] = "/";
  // The command line and environment it started with (/proc/self/cmdline, environ).
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

  SigAction actions[65] = {};
  uint32_t umask = 022;
  char hostname[65] = "kiln";
  uint64_t rlimits[16][2] = {};
};

Process& process();

}  // namespace kiln
