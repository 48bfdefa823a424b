// Loads a static ELF program (ET_EXEC or static-pie ET_DYN) into the
// program's address space and builds its initial stack, as Linux's
// binfmt_elf does: argc, argv, envp, auxv.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/vfs.h"

namespace kiln {

struct TrapFrame;

struct ExecArgs {
  const char* const* argv;
  size_t argc;
  const char* const* envp;
  size_t envc;
  const char* execfn;  // AT_EXECFN, as the caller named the program
  const char* exe = nullptr;  // /proc/self/exe, its absolute path; execfn if null
};

// The whole regular file at `loc` (whose reference it takes): a program, a
// script or an interpreter. A file baked into the payload is not copied:
// its bytes there are returned. Another is read into whole frames of its
// own, page-aligned, so that exec_load can lend its read-only pages to the
// program (and fork share them) instead of copying them. `executable`: some x bit must be
// set. -EACCES, -ENOMEM (over 512 MiB), or the read's error.
[[nodiscard]] long read_program_file(fs::Location loc, bool executable, uint8_t** out, size_t* size);
// Gives back what read_program_file returned (nullptr: nothing).
void free_program_file(uint8_t* data, size_t size);

// On success fills `frame` so that returning to user mode starts the
// program; on failure returns false with a message in *error.
bool exec_load(const uint8_t* image, size_t size, const ExecArgs& args, TrapFrame* frame,
               const char** error);

}  // namespace kiln
