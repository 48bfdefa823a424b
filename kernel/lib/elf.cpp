#include "lib/elf.h"

#include "lib/mem.h"

namespace kiln::elf {
namespace {

template <typename T>
T read(const uint8_t* p) {
  T v;
  memcpy(&v, p, sizeof v);
  return v;
}

bool in_file(uint64_t off, uint64_t len, size_t size) { return off <= size && len <= size - off; }

constexpr uint32_t kShtSymtab = 2, kShtStrtab = 3;
constexpr size_t kSymSize = 24;

}  // namespace

const char* error_string(Error e) {
  switch (e) {
    case Error::None: return "no error";
    case Error::TooSmall: return "the file is too small to be an ELF program";
    case Error::BadMagic: return "not an ELF file";
    case Error::NotElf64: return "not a 64-bit ELF file";
    case Error::NotLittleEndian: return "not a little-endian ELF file";
    case Error::NotX86_64: return "not an x86_64 program";
    case Error::BadVersion: return "unknown ELF version";
    case Error::BadType: return "not an executable (ET_EXEC or ET_DYN)";
    case Error::BadHeader: return "corrupt ELF header";
    case Error::BadProgramHeaders: return "corrupt program headers";
    case Error::BadSegment: return "a segment lies outside the file or is malformed";
    case Error::BadSectionHeaders: return "corrupt section headers";
  }
  return "unknown error";
}

Error Image::parse(const uint8_t* data, size_t size) {
  *this = Image{};
  if (size < 64) return Error::TooSmall;
  if (memcmp(data, "\x7f" "ELF", 4) != 0) return Error::BadMagic;
  if (data[4] != 2) return Error::NotElf64;
  if (data[5] != 1) return Error::NotLittleEndian;
  if (data[6] != 1 || read<uint32_t>(data + 20) != 1) return Error::BadVersion;
  if (read<uint16_t>(data + 18) != 62) return Error::NotX86_64;
  type_ = read<uint16_t>(data + 16);
  if (type_ != 2 && type_ != 3) return Error::BadType;
  if (read<uint16_t>(data + 52) != 64) return Error::BadHeader;
  entry_ = read<uint64_t>(data + 24);
  phoff_ = read<uint64_t>(data + 32);
  shoff_ = read<uint64_t>(data + 40);
  phentsize_ = read<uint16_t>(data + 54);
  phnum_ = read<uint16_t>(data + 56);
  shnum_ = read<uint16_t>(data + 60);
  shstrndx_ = read<uint16_t>(data + 62);
  if (phnum_ == 0 || phentsize_ != 56 || !in_file(phoff_, uint64_t(phnum_) * 56, size))
    return Error::BadProgramHeaders;
  data_ = data;
  size_ = size;
  bool any_load = false;
  for (size_t i = 0; i < phnum_; i++) {
    Segment s = segment(i);
    if (s.type != kPtLoad && s.type != kPtInterp) continue;
    if (!in_file(s.offset, s.filesz, size)) return Error::BadSegment;
    if (s.type == kPtInterp) continue;
    any_load = true;
    if (s.memsz < s.filesz || s.vaddr + s.memsz < s.vaddr) return Error::BadSegment;
    if (s.align > 1 && ((s.align & (s.align - 1)) || (s.vaddr - s.offset) % s.align))
      return Error::BadSegment;
    if (s.vaddr + s.memsz > 0x0000800000000000ull) return Error::BadSegment;
  }
  if (!any_load) return Error::BadProgramHeaders;
  if (shnum_ && (read<uint16_t>(data + 58) != 64 || !in_file(shoff_, uint64_t(shnum_) * 64, size)))
    shnum_ = 0;  // unusable section headers only cost us symbols
  return Error::None;
}

Segment Image::segment(size_t i) const {
  const uint8_t* p = data_ + phoff_ + i * 56;
  return Segment{read<uint32_t>(p),      read<uint32_t>(p + 4),  read<uint64_t>(p + 8),
                 read<uint64_t>(p + 16), read<uint64_t>(p + 24), read<uint64_t>(p + 32),
                 read<uint64_t>(p + 40), read<uint64_t>(p + 48)};
}

bool Image::interp(const char** path, size_t* len) const {
  for (size_t i = 0; i < phnum_; i++) {
    Segment s = segment(i);
    if (s.type != kPtInterp) continue;
    if (s.filesz == 0 || data_[s.offset + s.filesz - 1] != '\0') return false;
    *path = reinterpret_cast<const char*>(data_ + s.offset);
    *len = s.filesz - 1;
    return true;
  }
  return false;
}

bool Image::has_dynamic() const {
  for (size_t i = 0; i < phnum_; i++)
    if (segment(i).type == kPtDynamic) return true;
  return false;
}

uint64_t Image::min_vaddr() const {
  uint64_t lo = ~0ull;
  for (size_t i = 0; i < phnum_; i++) {
    Segment s = segment(i);
    if (s.type == kPtLoad && s.vaddr < lo) lo = s.vaddr;
  }
  return lo;
}

uint64_t Image::max_vaddr() const {
  uint64_t hi = 0;
  for (size_t i = 0; i < phnum_; i++) {
    Segment s = segment(i);
    if (s.type == kPtLoad && s.vaddr + s.memsz > hi) hi = s.vaddr + s.memsz;
  }
  return hi;
}

bool Image::section(size_t i, Section* s) const {
  if (i >= shnum_) return false;
  const uint8_t* p = data_ + shoff_ + i * 64;
  *s = Section{read<uint32_t>(p),      read<uint32_t>(p + 4),  read<uint64_t>(p + 8),
               read<uint64_t>(p + 16), read<uint64_t>(p + 24), read<uint64_t>(p + 32),
               read<uint32_t>(p + 40), read<uint32_t>(p + 44), read<uint64_t>(p + 48),
               read<uint64_t>(p + 56)};
  return true;
}

bool Image::find_section(const char* name, uint64_t* offset, uint64_t* size,
                         uint64_t* addr) const {
  Section names;
  if (!section(shstrndx_, &names) || !in_file(names.offset, names.size, size_)) return false;
  size_t want = strlen(name);
  for (size_t i = 0; i < shnum_; i++) {
    Section s;
    section(i, &s);
    if (s.name >= names.size || names.size - s.name <= want) continue;
    const char* n = reinterpret_cast<const char*>(data_ + names.offset + s.name);
    if (memcmp(n, name, want + 1) != 0) continue;
    *offset = s.offset;
    *size = s.size;
    *addr = s.addr;
    return true;
  }
  return false;
}

bool Image::symbolize(uint64_t addr, const char** name, size_t* name_len,
                      uint64_t* offset) const {
  for (size_t i = 0; i < shnum_; i++) {
    Section symtab, strtab;
    section(i, &symtab);
    if (symtab.type != kShtSymtab || !section(symtab.link, &strtab) ||
        strtab.type != kShtStrtab || !in_file(symtab.offset, symtab.size, size_) ||
        !in_file(strtab.offset, strtab.size, size_))
      continue;
    for (uint64_t off = 0; off + kSymSize <= symtab.size; off += kSymSize) {
      const uint8_t* sym = data_ + symtab.offset + off;
      uint8_t kind = sym[4] & 15;
      uint64_t value = read<uint64_t>(sym + 8), size = read<uint64_t>(sym + 16);
      if ((kind != 1 && kind != 2) || addr < value || addr - value >= (size ? size : 1))
        continue;
      uint32_t str = read<uint32_t>(sym);
      if (str >= strtab.size) continue;
      const char* s = reinterpret_cast<const char*>(data_ + strtab.offset + str);
      size_t max = strtab.size - str, n = 0;
      while (n < max && s[n]) n++;
      *name = s;
      *name_len = n;
      *offset = addr - value;
      return true;
    }
  }
  return false;
}

}  // namespace kiln::elf
