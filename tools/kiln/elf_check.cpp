#include "elf_check.h"

#include <elf.h>

#include <cstring>

#include "elf_file.h"
#include "errors.h"
#include "lib/elf.h"

namespace kiln::cli {

std::string machine_name(unsigned machine) {
  switch (machine) {
    case EM_X86_64: return "x86_64";
    case EM_386: return "i386";
    case EM_AARCH64: return "AArch64";
    case EM_ARM: return "32-bit ARM";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_PPC: return "PowerPC";
    case EM_S390: return "s390";
    case EM_MIPS: return "MIPS";
    case EM_SPARCV9: return "SPARC V9";
    case EM_LOONGARCH: return "LoongArch";
    default: return "machine " + std::to_string(machine);
  }
}

void check_program(const std::string& name, const Bytes& data) {
  auto refuse = [&](const std::string& why) { throw Failure("bake: " + name + " " + why); };

  // First the mistakes worth a specific message: not ELF, another machine,
  // an object file, a kiln image. Then the kernel's own ELF reader
  // (kernel/lib/elf.h) decides, so that what bakes is what the kernel's
  // loader accepts.
  if (data.size() < SELFMAG || std::memcmp(data.data(), ELFMAG, SELFMAG) != 0)
    refuse("is not an ELF program (no ELF magic); kiln bakes x86_64 Linux executables");
  // e_machine sits at the same offset in ELF32 and ELF64 headers.
  if (data.size() >= 20) {
    unsigned machine = data[18] | (data[19] << 8);
    bool is64 = data.size() > EI_CLASS && data[EI_CLASS] == ELFCLASS64;
    if (machine != EM_X86_64 || !is64)
      refuse("is a " + std::string(is64 ? "64" : "32") + "-bit ELF for " + machine_name(machine) +
             "; kiln runs 64-bit x86_64 programs");
  }
  if (std::string why = ElfFile::check(data); !why.empty()) refuse("is " + (why.starts_with("not") ? why : "a " + why));

  ElfFile raw(data);
  Elf64_Ehdr eh = raw.header();
  if (eh.e_type == ET_REL) refuse("is a relocatable object (.o), not a program: link it first");
  if (eh.e_type == ET_CORE) refuse("is a core dump, not a program");
  if (raw.find_section(".kiln_payload")) refuse("is a kiln kernel or image, not a program; bake the program itself");

  kiln::elf::Image elf;
  if (auto err = elf.parse(data.data(), data.size()); err != kiln::elf::Error::None)
    refuse(std::string("is not a program kiln can load: ") + kiln::elf::error_string(err));
  if (elf.is_dyn() && elf.entry() == 0) refuse("is a shared library (no entry point), not a program");
}

}  // namespace kiln::cli
