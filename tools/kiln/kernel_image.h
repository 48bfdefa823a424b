// Turning an unbaked kernel ELF plus a payload into a bootable kiln image,
// exactly as docs/internals.md "The baked image" says.
#pragma once

#include <string>

#include "util.h"

namespace kiln::cli {

// Checks that KERNEL (named NAME in messages) is an unbaked kiln kernel: an
// ELF64 x86_64 executable with a spare PT_NULL program header and a
// `.kiln_payload` section holding a zero PayloadInfo. Throws Failure otherwise.
void check_kernel(const std::string& name, const Bytes& kernel);

// The kernel's function symbols as ".kiln/kernel.sym" wants them: one
// "ADDR SIZE NAME" line each (hex, no 0x), sorted by address.
std::string kernel_symbols(const Bytes& kernel);

// Returns KERNEL with PAYLOAD appended page-aligned, the spare PT_NULL header
// rewritten into a PT_LOAD for it, and the PayloadInfo filled in.
Bytes bake_kernel(const std::string& name, Bytes kernel, const Bytes& payload);

}  // namespace kiln::cli
