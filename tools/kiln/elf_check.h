// Validation of the program handed to `kiln bake`: a static ELF64 x86_64
// executable (ET_EXEC, or ET_DYN without an interpreter: static-pie).
#pragma once

#include <string>

#include "util.h"

namespace kiln::cli {

// Throws Failure with one line naming NAME if DATA is not a program kiln can
// bake: not ELF, truncated, wrong class or machine, not an executable, or
// dynamically linked (PT_INTERP).
void check_program(const std::string& name, const Bytes& data);

// A readable name for an ELF e_machine value ("AArch64", "x86_64", ...).
std::string machine_name(unsigned machine);

}  // namespace kiln::cli
