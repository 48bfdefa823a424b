#include "kernel_image.h"

#include <cxxabi.h>
#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "elf_file.h"
#include "errors.h"
#include "kiln/image.h"

namespace kiln::cli {

namespace {

namespace img = kiln::image;

// C++ names are demangled on the host, where it is cheap, so the kernel's
// backtraces read "kiln::panic(char const*)+0x12"; the kernel takes NAME to
// be the rest of the line, blanks included.
std::string demangle(const std::string& name) {
  if (!name.starts_with("_Z")) return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || !out) return name;
  std::string result(out);
  std::free(out);
  return result;
}

uint64_t align_up(uint64_t value, uint64_t align) { return (value + align - 1) / align * align; }

struct KernelLayout {
  size_t spare_phdr;      // index of the PT_NULL program header
  Elf64_Shdr payload_sh;  // the .kiln_payload section
  uint64_t phys_end;      // highest physical byte of the kernel's segments, + 1
};

KernelLayout inspect(const std::string& name, const Bytes& kernel) {
  auto refuse = [&](const std::string& why) { throw Failure("bake: kernel " + name + " " + why); };
  if (std::string why = ElfFile::check(kernel); !why.empty()) refuse("is " + (why.starts_with("not") ? why : "a " + why));
  ElfFile elf(kernel);
  Elf64_Ehdr eh = elf.header();
  if (eh.e_machine != EM_X86_64 || eh.e_type != ET_EXEC) refuse("is not an x86_64 ELF executable");

  KernelLayout layout{};
  bool have_spare = false, have_load = false;
  for (size_t i = 0; i < elf.phdr_count(); ++i) {
    Elf64_Phdr ph = elf.phdr(i);
    if (ph.p_type == PT_NULL && !have_spare) {
      layout.spare_phdr = i;
      have_spare = true;
    } else if (ph.p_type == PT_LOAD) {
      have_load = true;
      layout.phys_end = std::max(layout.phys_end, ph.p_paddr + ph.p_memsz);
    }
  }
  if (!have_load) refuse("has no PT_LOAD segment");
  if (!have_spare)
    refuse("has no spare PT_NULL program header to describe the payload (already baked, or not a kiln kernel?)");

  auto sh = elf.find_section(img::kPayloadSection);
  if (!sh) refuse(std::string("has no ") + img::kPayloadSection + " section: not a kiln kernel");
  if (sh->sh_type != SHT_PROGBITS || sh->sh_size < sizeof(img::PayloadInfo) ||
      sh->sh_offset + sizeof(img::PayloadInfo) > kernel.size())
    refuse(std::string("has a malformed ") + img::kPayloadSection + " section (must be PROGBITS, at least " +
           std::to_string(sizeof(img::PayloadInfo)) + " bytes)");
  layout.payload_sh = *sh;
  auto info = elf.load<img::PayloadInfo>(sh->sh_offset);
  if (info.magic == img::kPayloadMagic) refuse("is already baked; bake from the unbaked kernel");
  return layout;
}

}  // namespace

void check_kernel(const std::string& name, const Bytes& kernel) { inspect(name, kernel); }

std::string kernel_symbols(const Bytes& kernel) {
  ElfFile elf(kernel);
  std::string out;
  char line[64];
  for (const auto& sym : elf.function_symbols()) {
    std::snprintf(line, sizeof line, "%016llx %llx ", static_cast<unsigned long long>(sym.addr),
                  static_cast<unsigned long long>(sym.size));
    out += line;
    out += demangle(sym.name);
    out += '\n';
  }
  return out;
}

Bytes bake_kernel(const std::string& name, Bytes kernel, const Bytes& payload) {
  KernelLayout layout = inspect(name, kernel);

  uint64_t file_off = align_up(kernel.size(), img::kPageSize);
  uint64_t paddr = align_up(layout.phys_end, img::kPageSize);

  Elf64_Phdr ph{};
  ph.p_type = PT_LOAD;
  ph.p_flags = PF_R;
  ph.p_offset = file_off;
  ph.p_vaddr = paddr;
  ph.p_paddr = paddr;
  ph.p_filesz = payload.size();
  ph.p_memsz = payload.size();
  ph.p_align = img::kPageSize;
  store(kernel, ElfFile(kernel).phdr_offset(layout.spare_phdr), ph);

  img::PayloadInfo info{img::kPayloadMagic, paddr, payload.size(), 0};
  store(kernel, layout.payload_sh.sh_offset, info);

  kernel.resize(file_off, 0);
  kernel.insert(kernel.end(), payload.begin(), payload.end());
  return kernel;
}

}  // namespace kiln::cli
