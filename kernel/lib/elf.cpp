#include "lib/elf.h"

#include "lib/mem.h"

namespace kiln::elf {
namespace {

// Fields are read with memcpy: headers in an untrusted file need not be aligned.
template <typename T>
T read(const uint8_t* p) {
  T v;
  memcpy(&v, p, sizeof v);
  return v;
}

constexpr size_t kEhdrSize = 64, kPhdrSize = 56, kShdrSize = 64, kSymSize = 24;
constexpr uint16_t kEtExec = 2, kEtDyn = 3, kEmX86_64 = 62, kPnXnum = 0xffff;
constexpr uint32_t kShtNull = 0, kShtSymtab = 2, kShtStrtab = 3, kShtNobits = 8, kShtDynsym = 11;
constexpr uint8_t kSttObject = 1, kSttFunc = 2;

bool power_of_two(uint64_t v) { return (v & (v - 1)) == 0; }

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
    case Error::BadProgramHeaders: return "corrupt or missing program headers";
    case Error::BadSegment: return "a segment lies outside the file or is malformed";
    case Error::BadSectionHeaders: return "corrupt section headers";
  }
  return "unknown ELF error";
}

bool Image::in_file(uint64_t offset, uint64_t size) const {
  return offset <= size_ && size <= size_ - offset;
}

Error Image::parse(const uint8_t* data, size_t size) {
  *this = Image{};
  Error e = load(data, size);
  if (e != Error::None) *this = Image{};
  return e;
}

Error Image::load(const uint8_t* data, size_t size) {
  if (size < kEhdrSize) return Error::TooSmall;
  if (memcmp(data, "\x7f" "ELF", 4) != 0) return Error::BadMagic;
  if (data[4] != 2) return Error::NotElf64;
  if (data[5] != 1) return Error::NotLittleEndian;
  if (data[6] != 1 || read<uint32_t>(data + 20) != 1) return Error::BadVersion;
  if (read<uint16_t>(data + 18) != kEmX86_64) return Error::NotX86_64;
  type_ = read<uint16_t>(data + 16);
  if (type_ != kEtExec && type_ != kEtDyn) return Error::BadType;
  if (read<uint16_t>(data + 52) != kEhdrSize) return Error::BadHeader;
  data_ = data;
  size_ = size;
  entry_ = read<uint64_t>(data + 24);
  phoff_ = read<uint64_t>(data + 32);
  shoff_ = read<uint64_t>(data + 40);
  phentsize_ = read<uint16_t>(data + 54);
  phnum_ = read<uint16_t>(data + 56);
  shnum_ = read<uint16_t>(data + 60);
  shstrndx_ = read<uint16_t>(data + 62);
  // PN_XNUM would move the count into section 0; no program needs that.
  if (phnum_ == 0 || phnum_ == kPnXnum || phentsize_ != kPhdrSize ||
      !in_file(phoff_, uint64_t(phnum_) * kPhdrSize))
    return Error::BadProgramHeaders;
  bool any_load = false;
  min_vaddr_ = ~0ull;
  for (size_t i = 0; i < phnum_; i++) {
    Segment s = segment(i);
    if (Error e = check_segment(s); e != Error::None) return e;
    if (s.type != kPtLoad) continue;
    any_load = true;
    if (s.vaddr < min_vaddr_) min_vaddr_ = s.vaddr;
    if (s.vaddr + s.memsz > max_vaddr_) max_vaddr_ = s.vaddr + s.memsz;
  }
  if (!any_load) return Error::BadProgramHeaders;
  // Section headers are optional: unusable ones only cost symbols.
  if (read<uint16_t>(data + 58) != kShdrSize || !in_file(shoff_, uint64_t(shnum_) * kShdrSize))
    shnum_ = 0;
  return Error::None;
}

Error Image::check_segment(const Segment& s) const {
  if (s.type == kPtNull) return Error::None;  // unused: its fields mean nothing
  if (!in_file(s.offset, s.filesz)) return Error::BadSegment;
  if (s.type == kPtInterp && (s.filesz < 2 || data_[s.offset + s.filesz - 1] != '\0'))
    return Error::BadSegment;
  if (s.type != kPtLoad) return Error::None;
  if (s.memsz < s.filesz || s.memsz > kProgramTop || s.vaddr > kProgramTop - s.memsz)
    return Error::BadSegment;
  if (s.align > 1 && (!power_of_two(s.align) || (s.vaddr - s.offset) % s.align != 0))
    return Error::BadSegment;
  return Error::None;
}

Segment Image::segment(size_t i) const {
  if (i >= phnum_) return Segment{};
  const uint8_t* p = data_ + phoff_ + i * kPhdrSize;
  return Segment{read<uint32_t>(p),      read<uint32_t>(p + 4),  read<uint64_t>(p + 8),
                 read<uint64_t>(p + 16), read<uint64_t>(p + 24), read<uint64_t>(p + 32),
                 read<uint64_t>(p + 40), read<uint64_t>(p + 48)};
}

bool Image::interp(const char** path, size_t* len) const {
  for (size_t i = 0; i < phnum_; i++) {
    Segment s = segment(i);
    if (s.type != kPtInterp) continue;
    // parse() saw the NUL that ends it.
    auto p = reinterpret_cast<const char*>(data_ + s.offset);
    size_t n = strlen(p);
    if (n == 0) return false;
    *path = p;
    *len = n;
    return true;
  }
  return false;
}

bool Image::has_dynamic() const {
  for (size_t i = 0; i < phnum_; i++)
    if (segment(i).type == kPtDynamic) return true;
  return false;
}

bool Image::section(size_t i, Section* s) const {
  if (i >= shnum_) return false;
  const uint8_t* p = data_ + shoff_ + i * kShdrSize;
  *s = Section{read<uint32_t>(p),      read<uint32_t>(p + 4),  read<uint64_t>(p + 8),
               read<uint64_t>(p + 16), read<uint64_t>(p + 24), read<uint64_t>(p + 32),
               read<uint32_t>(p + 40), read<uint32_t>(p + 44), read<uint64_t>(p + 48),
               read<uint64_t>(p + 56)};
  return true;
}

bool Image::find_section(const char* name, uint64_t* offset, uint64_t* size,
                         uint64_t* addr) const {
  Section names;
  if (!section(shstrndx_, &names) || !in_file(names.offset, names.size)) return false;
  auto table = reinterpret_cast<const char*>(data_ + names.offset);
  size_t want = strlen(name);
  for (size_t i = 0; i < shnum_; i++) {
    Section s;
    section(i, &s);
    // The name and its NUL must lie inside the name table.
    if (s.name >= names.size || names.size - s.name <= want) continue;
    if (memcmp(table + s.name, name, want + 1) != 0) continue;
    if (s.type == kShtNull || s.type == kShtNobits || !in_file(s.offset, s.size)) continue;
    *offset = s.offset;
    *size = s.size;
    *addr = s.addr;
    return true;
  }
  return false;
}

bool Image::symbolize(uint64_t addr, const char** name, size_t* name_len,
                      uint64_t* offset) const {
  bool found = false;
  uint64_t best = 0;
  for (size_t i = 0; i < shnum_; i++) {
    Section symtab, strtab;
    section(i, &symtab);
    if ((symtab.type != kShtSymtab && symtab.type != kShtDynsym) ||
        symtab.entsize != kSymSize || !in_file(symtab.offset, symtab.size) ||
        !section(symtab.link, &strtab) || strtab.type != kShtStrtab ||
        !in_file(strtab.offset, strtab.size))
      continue;
    auto strings = reinterpret_cast<const char*>(data_ + strtab.offset);
    for (uint64_t at = 0; symtab.size - at >= kSymSize; at += kSymSize) {
      const uint8_t* sym = data_ + symtab.offset + at;
      uint8_t kind = sym[4] & 0xf;
      uint16_t shndx = read<uint16_t>(sym + 6);
      uint64_t value = read<uint64_t>(sym + 8), size = read<uint64_t>(sym + 16);
      uint32_t str = read<uint32_t>(sym);
      if ((kind != kSttFunc && kind != kSttObject) || shndx == 0 || addr < value ||
          addr - value >= (size ? size : 1) || (found && value <= best) ||
          str >= strtab.size || strings[str] == '\0')
        continue;
      size_t n = 0;
      while (str + n < strtab.size && strings[str + n]) n++;
      found = true;
      best = value;
      *name = strings + str;
      *name_len = n;
      *offset = addr - value;
    }
  }
  return found;
}

}  // namespace kiln::elf
