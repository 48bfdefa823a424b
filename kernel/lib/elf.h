// ELF64 x86_64 reader: validates the headers of untrusted program images and
// answers the loader's, the CLI's and the backtracer's questions. parse()
// checks the ELF header and every program header, so segment() and interp()
// read validated data; section headers are checked only when symbolize() or
// find_section() use them, and a corrupt one costs only those answers.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::elf {

enum class Error {
  None, TooSmall, BadMagic, NotElf64, NotLittleEndian, NotX86_64, BadVersion, BadType,
  BadHeader, BadProgramHeaders, BadSegment, BadSectionHeaders,
};
// A short phrase for messages, such as "not an ELF file".
const char* error_string(Error e);

inline constexpr uint32_t kPtNull = 0, kPtLoad = 1, kPtDynamic = 2, kPtInterp = 3, kPtPhdr = 6;
inline constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;  // Segment::flags

struct Segment {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

// Only user programs pass parse(): their segments end below this address,
// the top of the canonical lower half.
inline constexpr uint64_t kProgramTop = 0x0000800000000000ull;

class Image {
 public:
  // Accepts an x86_64 ET_EXEC or ET_DYN file with at least one PT_LOAD whose
  // every segment's file bytes lie inside data, where a PT_LOAD has
  // memsz >= filesz, a power-of-two p_align with vaddr = offset modulo it,
  // and ends at or below kProgramTop, and a PT_INTERP holds a NUL-terminated
  // path. Keeps pointers into data, which must outlive the Image; on an
  // error the Image is empty again.
  Error parse(const uint8_t* data, size_t size);

  bool is_exec() const { return type_ == 2; }
  bool is_dyn() const { return type_ == 3; }
  uint64_t entry() const { return entry_; }
  size_t segment_count() const { return phnum_; }
  Segment segment(size_t i) const;  // all zero (PT_NULL) past the last one
  uint64_t phdr_offset() const { return phoff_; }
  uint16_t phentsize() const { return phentsize_; }
  uint16_t phnum() const { return phnum_; }
  // The first PT_INTERP's path, up to its first NUL; false if none or empty.
  bool interp(const char** path, size_t* len) const;
  bool has_dynamic() const;
  uint64_t min_vaddr() const { return min_vaddr_; }  // span of the PT_LOAD segments
  uint64_t max_vaddr() const { return max_vaddr_; }

  // The FUNC or OBJECT symbol holding addr (a link-time address) in
  // .symtab, or .dynsym when stripped: of those whose [value, value + size)
  // holds it (a size-0 symbol holds only its own address), the highest.
  // The name is not NUL-terminated.
  bool symbolize(uint64_t addr, const char** name, size_t* name_len, uint64_t* offset) const;
  // A section with contents in the file, by name: [offset, offset + size)
  // lies inside the file. SHT_NOBITS sections (.bss) are never found.
  bool find_section(const char* name, uint64_t* offset, uint64_t* size, uint64_t* addr) const;

 private:
  struct Section {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t align, entsize;
  };
  Error load(const uint8_t* data, size_t size);
  Error check_segment(const Segment& s) const;
  bool section(size_t i, Section* s) const;
  bool in_file(uint64_t offset, uint64_t size) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint16_t type_ = 0, phentsize_ = 0, phnum_ = 0, shnum_ = 0, shstrndx_ = 0;
  uint64_t entry_ = 0, phoff_ = 0, shoff_ = 0, min_vaddr_ = 0, max_vaddr_ = 0;
};

}  // namespace kiln::elf
