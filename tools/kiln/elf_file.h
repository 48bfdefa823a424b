// A bounds-checked, read-only view of a 64-bit ELF file held in memory, for
// the host, over the raw Elf64 structures of <elf.h>. Nothing here trusts the
// file: every offset and count is checked against the buffer first. (Writers
// patch the bytes themselves with store(), see kernel_image.cpp.)
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util.h"

namespace kiln::cli {

struct ElfSymbol {
  uint64_t addr;
  uint64_t size;
  std::string name;
};

class ElfFile {
 public:
  // Checks the identification and the header tables of DATA (which must
  // outlive the view). Returns an empty string if it is a well-formed ELF64
  // little-endian file, else why not ("not an ELF file", "truncated ...").
  static std::string check(const Bytes& data);

  explicit ElfFile(const Bytes& data) : m_data(data) {}

  Elf64_Ehdr header() const { return load<Elf64_Ehdr>(0); }
  size_t phdr_count() const { return header().e_phnum; }
  Elf64_Phdr phdr(size_t i) const;
  uint64_t phdr_offset(size_t i) const { return header().e_phoff + i * sizeof(Elf64_Phdr); }

  size_t shdr_count() const { return header().e_shnum; }
  Elf64_Shdr shdr(size_t i) const;
  std::string section_name(const Elf64_Shdr& sh) const;
  std::optional<Elf64_Shdr> find_section(std::string_view name) const;

  // Defined STT_FUNC symbols of .symtab, sorted by address; empty if none.
  std::vector<ElfSymbol> function_symbols() const;

  template <typename T>
  T load(uint64_t off) const;

 private:
  std::string string_at(const Elf64_Shdr& strtab, uint64_t off) const;
  const Bytes& m_data;
};

template <typename T>
T ElfFile::load(uint64_t off) const {
  T value;
  if (off > m_data.size() || m_data.size() - off < sizeof(T)) throw std::out_of_range("ELF read past the end");
  std::memcpy(&value, m_data.data() + off, sizeof(T));
  return value;
}

// Overwrites sizeof(T) bytes of DATA at OFF (bounds-checked).
template <typename T>
void store(Bytes& data, uint64_t off, const T& value) {
  if (off > data.size() || data.size() - off < sizeof(T)) throw std::out_of_range("ELF write past the end");
  std::memcpy(data.data() + off, &value, sizeof(T));
}

}  // namespace kiln::cli
