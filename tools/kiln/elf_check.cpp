#include "elf_check.h"

#include <elf.h>

#include <cstring>

#include "elf_file.h"
#include "errors.h"

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

  ElfFile elf(data);
  Elf64_Ehdr eh = elf.header();
  if (eh.e_type == ET_REL) refuse("is a relocatable object (.o), not a program: link it first");
  if (eh.e_type == ET_CORE) refuse("is a core dump, not a program");
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) refuse("is not an executable ELF (type " + std::to_string(eh.e_type) + ")");
  if (eh.e_phnum == 0) refuse("has no program headers: it is not a loadable program");

  if (elf.find_section(".kiln_payload"))
    refuse("is a kiln kernel or image, not a program; bake the program itself");

  bool has_load = false;
  for (size_t i = 0; i < elf.phdr_count(); ++i) {
    Elf64_Phdr ph = elf.phdr(i);
    if (ph.p_type == PT_LOAD) has_load = true;
    if (ph.p_type != PT_INTERP) continue;
    std::string interp(reinterpret_cast<const char*>(data.data() + ph.p_offset), ph.p_filesz);
    interp = interp.c_str();  // drop the terminating NUL and anything after it
    refuse("is dynamically linked (interpreter " + interp +
           "); kiln bakes static programs for now: rebuild with -static or x86_64-kiln-linux-gcc");
  }
  if (!has_load) refuse("has no loadable segment: it is not a program");
  if (eh.e_type == ET_DYN && eh.e_entry == 0)
    refuse("is a shared library (no entry point), not a program");
}

}  // namespace kiln::cli
