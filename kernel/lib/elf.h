// ELF64 x86_64 reader: validates headers of untrusted program images and
// answers the loader's, the baker's and the backtracer's questions.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::elf {

enum class Error {
  None, TooSmall, BadMagic, NotElf64, NotLittleEndian, NotX86_64, BadVersion, BadType,
  BadHeader, BadProgramHeaders, BadSegment, BadSectionHeaders,
};
const char* error_string(Error e);

inline constexpr uint32_t kPtLoad = 1, kPtDynamic = 2, kPtInterp = 3, kPtPhdr = 6;

struct Segment {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

class Image {
 public:
  Error parse(const uint8_t* data, size_t size);

  bool is_exec() const { return type_ == 2; }
  bool is_dyn() const { return type_ == 3; }
  uint64_t entry() const { return entry_; }
  size_t segment_count() const { return phnum_; }
  Segment segment(size_t i) const;
  uint64_t phdr_offset() const { return phoff_; }
  uint16_t phentsize() const { return phentsize_; }
  uint16_t phnum() const { return phnum_; }
  bool interp(const char** path, size_t* len) const;
  bool has_dynamic() const;
  uint64_t min_vaddr() const;  // span of the PT_LOAD segments
  uint64_t max_vaddr() const;

  // The FUNC or OBJECT symbol of .symtab containing addr (link-time address).
  bool symbolize(uint64_t addr, const char** name, size_t* name_len, uint64_t* offset) const;
  bool find_section(const char* name, uint64_t* offset, uint64_t* size, uint64_t* addr) const;

 private:
  struct Section {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t align, entsize;
  };
  bool section(size_t i, Section* s) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint16_t type_ = 0, phentsize_ = 0, phnum_ = 0, shnum_ = 0, shstrndx_ = 0;
  uint64_t entry_ = 0, phoff_ = 0, shoff_ = 0;
};

}  // namespace kiln::elf
