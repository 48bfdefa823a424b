#include "elf_file.h"

#include <algorithm>
#include <cstring>

namespace kiln::cli {

namespace {

bool range_ok(uint64_t off, uint64_t count, uint64_t entsize, uint64_t size) {
  if (count == 0) return true;
  if (entsize == 0 || count > (UINT64_MAX - off) / entsize) return false;
  return off + count * entsize <= size;
}

}  // namespace

std::string ElfFile::check(const Bytes& data) {
  if (data.size() < EI_NIDENT || std::memcmp(data.data(), ELFMAG, SELFMAG) != 0) return "not an ELF file";
  if (data[EI_CLASS] != ELFCLASS64) return "not a 64-bit ELF file";
  if (data[EI_DATA] != ELFDATA2LSB) return "not a little-endian ELF file";
  if (data.size() < sizeof(Elf64_Ehdr)) return "truncated ELF file (header cut short)";
  Elf64_Ehdr eh;
  std::memcpy(&eh, data.data(), sizeof eh);
  if (eh.e_phnum && eh.e_phentsize != sizeof(Elf64_Phdr)) return "malformed ELF file (program header size)";
  if (!range_ok(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), data.size()))
    return "truncated ELF file (program headers past the end)";
  if (eh.e_shnum && eh.e_shentsize != sizeof(Elf64_Shdr)) return "malformed ELF file (section header size)";
  if (!range_ok(eh.e_shoff, eh.e_shnum, sizeof(Elf64_Shdr), data.size()))
    return "truncated ELF file (section headers past the end)";
  if (eh.e_shnum && eh.e_shstrndx >= eh.e_shnum) return "malformed ELF file (section name table index)";
  for (size_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, data.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_NULL && !range_ok(ph.p_offset, ph.p_filesz, 1, data.size()))
      return "truncated ELF file (segment " + std::to_string(i) + " past the end)";
  }
  return {};
}

Elf64_Phdr ElfFile::phdr(size_t i) const { return load<Elf64_Phdr>(phdr_offset(i)); }

Elf64_Shdr ElfFile::shdr(size_t i) const {
  return load<Elf64_Shdr>(header().e_shoff + i * sizeof(Elf64_Shdr));
}

std::string ElfFile::string_at(const Elf64_Shdr& strtab, uint64_t off) const {
  if (strtab.sh_type != SHT_STRTAB || off >= strtab.sh_size) return {};
  uint64_t start = strtab.sh_offset + off;
  uint64_t end = strtab.sh_offset + strtab.sh_size;
  if (end > m_data.size() || start >= end) return {};
  const char* p = reinterpret_cast<const char*>(m_data.data() + start);
  return std::string(p, strnlen(p, end - start));
}

std::string ElfFile::section_name(const Elf64_Shdr& sh) const {
  if (shdr_count() == 0) return {};
  return string_at(shdr(header().e_shstrndx), sh.sh_name);
}

std::optional<Elf64_Shdr> ElfFile::find_section(std::string_view name) const {
  for (size_t i = 0; i < shdr_count(); ++i) {
    Elf64_Shdr sh = shdr(i);
    if (section_name(sh) == name) return sh;
  }
  return std::nullopt;
}

std::vector<ElfSymbol> ElfFile::function_symbols() const {
  std::vector<ElfSymbol> out;
  for (size_t i = 0; i < shdr_count(); ++i) {
    Elf64_Shdr symtab = shdr(i);
    if (symtab.sh_type != SHT_SYMTAB || symtab.sh_entsize != sizeof(Elf64_Sym)) continue;
    if (symtab.sh_link >= shdr_count()) continue;
    Elf64_Shdr strtab = shdr(symtab.sh_link);
    uint64_t count = symtab.sh_size / sizeof(Elf64_Sym);
    for (uint64_t k = 0; k < count; ++k) {
      auto sym = load<Elf64_Sym>(symtab.sh_offset + k * sizeof(Elf64_Sym));
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF) continue;
      std::string name = string_at(strtab, sym.st_name);
      if (name.empty()) continue;
      out.push_back({sym.st_value, sym.st_size, std::move(name)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ElfSymbol& a, const ElfSymbol& b) {
    return a.addr != b.addr ? a.addr < b.addr : a.name < b.name;
  });
  return out;
}

}  // namespace kiln::cli
