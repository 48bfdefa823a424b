// The ELF reader against real programs (a static one built by the test
// build, /bin/true, this test itself) and against an image built here whose
// every field can be bent: corrupt headers, truncations and byte flips.
#include "lib/elf.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <link.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef KILN_TEST_STATIC_PROGRAM
#error "the build passes the path of a static test program"
#endif

// Known symbols of this (non-stripped) test program, for symbolize().
extern "C" [[gnu::noinline, gnu::used]] int kiln_elf_test_marker(int x) {
  asm volatile("" : "+r"(x));
  return x * 3 + 1;
}
extern "C" {
[[gnu::used]] int kiln_elf_test_table[16] = {1};
}

namespace kiln::elf {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes slurp(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

std::string name_str(const char* name, size_t len) { return std::string(name, len); }

// Whatever parse() accepted must be safe to walk, and every answer must
// point inside the file.
void check_invariants(const Image& img, const Bytes& d) {
  auto inside = [&](const void* p, uint64_t n) {
    auto b = static_cast<const uint8_t*>(p);
    return b >= d.data() && b <= d.data() + d.size() && n <= uint64_t(d.data() + d.size() - b);
  };
  for (size_t s = 0; s <= img.segment_count(); s++) {
    Segment seg = img.segment(s);
    if (seg.type == kPtNull) continue;
    ASSERT_LE(seg.offset, d.size());
    ASSERT_LE(seg.filesz, d.size() - seg.offset);
    if (seg.type == kPtLoad) {
      ASSERT_GE(seg.memsz, seg.filesz);
      ASSERT_LE(seg.vaddr + seg.memsz, kProgramTop);
    }
  }
  const char* p;
  size_t len;
  uint64_t off, size, addr;
  if (img.interp(&p, &len)) {
    ASSERT_TRUE(inside(p, len + 1));
  }
  for (uint64_t a : {img.entry(), img.min_vaddr(), img.max_vaddr() - 1})
    if (img.symbolize(a, &p, &len, &off)) {
      ASSERT_TRUE(inside(p, len));
    }
  for (const char* s : {".text", ".symtab", ".bss", ".interp", ""})
    if (img.find_section(s, &off, &size, &addr)) {
      ASSERT_TRUE(inside(d.data() + off, size));
    }
}

// --- An image built here -----------------------------------------------

constexpr uint64_t kBase = 0x400000, kText = 0x401000, kBss = 0x402000;
constexpr size_t kInterpAt = 0x200, kTextAt = 0x1000, kTextSize = 0x100;
constexpr char kInterp[] = "/lib/ld-kiln.so";

// Program headers: PT_INTERP, PT_LOAD (headers and text), PT_LOAD (bss),
// PT_GNU_STACK. Sections: null, .interp, .text, .bss, .symtab, .strtab,
// .shstrtab.
struct Tiny {
  Bytes d;
  Elf64_Ehdr* eh() { return reinterpret_cast<Elf64_Ehdr*>(d.data()); }
  Elf64_Phdr* ph(size_t i) { return reinterpret_cast<Elf64_Phdr*>(d.data() + 64) + i; }
  Elf64_Shdr* sh(size_t i) {
    return reinterpret_cast<Elf64_Shdr*>(d.data() + eh()->e_shoff) + i;
  }
  Error parse(Image* img = nullptr) {
    Image local;
    return (img ? img : &local)->parse(d.data(), d.size());
  }
};

Tiny tiny() {
  Tiny t;
  Bytes& d = t.d;
  d.resize(kTextAt + kTextSize, 0);
  std::memcpy(d.data() + kInterpAt, kInterp, sizeof kInterp);
  std::memset(d.data() + kTextAt, 0xc3, kTextSize);

  std::string strtab("\0", 1), shstrtab("\0", 1);
  auto add_name = [](std::string& table, const char* name) {
    uint32_t at = uint32_t(table.size());
    table += name;
    table += '\0';
    return at;
  };
  std::vector<Elf64_Sym> syms(1);  // index 0 is the null symbol
  auto sym = [&](const char* name, int type, uint16_t shndx, uint64_t value, uint64_t size) {
    Elf64_Sym s{};
    s.st_name = add_name(strtab, name);
    s.st_info = ELF64_ST_INFO(STB_GLOBAL, type);
    s.st_shndx = shndx;
    s.st_value = value;
    s.st_size = size;
    syms.push_back(s);
  };
  sym("first", STT_FUNC, 2, kText, 0x20);
  sym("outer", STT_FUNC, 2, kText + 0x20, 0x40);
  sym("inner", STT_FUNC, 2, kText + 0x30, 0x8);  // nested in outer: the higher one wins
  sym("alias", STT_FUNC, 2, kText + 0x20, 0x40);  // same address as outer: the first wins
  sym("table", STT_OBJECT, 3, kBss, 0x10);
  sym("label", STT_NOTYPE, 2, kText + 0x80, 0x10);  // not a function or object
  sym("section", STT_SECTION, 2, kText + 0x90, 0x10);
  sym("imported", STT_FUNC, SHN_UNDEF, 0, 0);
  sym("point", STT_FUNC, 2, kText + 0xf0, 0);  // size 0: only its own address
  sym("", STT_FUNC, 2, kText + 0xa0, 0x8);     // nameless: skipped

  auto append = [&](const void* p, size_t n) {
    size_t at = (d.size() + 7) & ~size_t(7);
    d.resize(at + n);
    std::memcpy(d.data() + at, p, n);
    return at;
  };
  size_t symtab_at = append(syms.data(), syms.size() * sizeof(Elf64_Sym));
  size_t strtab_at = append(strtab.data(), strtab.size());
  std::vector<Elf64_Shdr> sh(7);
  auto section = [&](size_t i, const char* name, uint32_t type, uint64_t addr, uint64_t off,
                     uint64_t size) {
    sh[i].sh_name = add_name(shstrtab, name);
    sh[i].sh_type = type;
    sh[i].sh_addr = addr;
    sh[i].sh_offset = off;
    sh[i].sh_size = size;
  };
  section(1, ".interp", SHT_PROGBITS, kBase + kInterpAt, kInterpAt, sizeof kInterp);
  section(2, ".text", SHT_PROGBITS, kText, kTextAt, kTextSize);
  section(3, ".bss", SHT_NOBITS, kBss, kTextAt + kTextSize, 0x100);
  section(4, ".symtab", SHT_SYMTAB, 0, symtab_at, syms.size() * sizeof(Elf64_Sym));
  sh[4].sh_link = 5;
  sh[4].sh_entsize = sizeof(Elf64_Sym);
  section(5, ".strtab", SHT_STRTAB, 0, strtab_at, strtab.size());
  section(6, ".shstrtab", SHT_STRTAB, 0, 0, 0);
  sh[6].sh_offset = append(shstrtab.data(), shstrtab.size());
  sh[6].sh_size = shstrtab.size();
  size_t shoff = append(sh.data(), sh.size() * sizeof(Elf64_Shdr));

  Elf64_Ehdr* eh = t.eh();
  std::memcpy(eh->e_ident, ELFMAG, SELFMAG);
  eh->e_ident[EI_CLASS] = ELFCLASS64;
  eh->e_ident[EI_DATA] = ELFDATA2LSB;
  eh->e_ident[EI_VERSION] = EV_CURRENT;
  eh->e_type = ET_EXEC;
  eh->e_machine = EM_X86_64;
  eh->e_version = EV_CURRENT;
  eh->e_entry = kText;
  eh->e_phoff = 64;
  eh->e_shoff = shoff;
  eh->e_ehsize = 64;
  eh->e_phentsize = sizeof(Elf64_Phdr);
  eh->e_phnum = 4;
  eh->e_shentsize = sizeof(Elf64_Shdr);
  eh->e_shnum = uint16_t(sh.size());
  eh->e_shstrndx = 6;
  *t.ph(0) = Elf64_Phdr{PT_INTERP, PF_R, kInterpAt, kBase + kInterpAt, kBase + kInterpAt,
                        sizeof kInterp, sizeof kInterp, 1};
  *t.ph(1) = Elf64_Phdr{PT_LOAD, PF_R | PF_X, 0, kBase, kBase, kTextAt + kTextSize,
                        kText - kBase + kTextSize, 0x1000};
  *t.ph(2) = Elf64_Phdr{PT_LOAD, PF_R | PF_W, kTextAt, kBss, kBss, 0, 0x100, 0x1000};
  *t.ph(3) = Elf64_Phdr{PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16};
  return t;
}

TEST(ElfTiny, Parses) {
  Tiny t = tiny();
  Image img;
  ASSERT_EQ(t.parse(&img), Error::None);
  EXPECT_TRUE(img.is_exec());
  EXPECT_FALSE(img.is_dyn());
  EXPECT_EQ(img.entry(), kText);
  EXPECT_EQ(img.segment_count(), 4u);
  EXPECT_EQ(img.phnum(), 4);
  EXPECT_EQ(img.phentsize(), 56);
  EXPECT_EQ(img.phdr_offset(), 64u);
  Segment bss = img.segment(2);
  EXPECT_EQ(bss.type, kPtLoad);
  EXPECT_EQ(bss.flags, uint32_t(PF_R | PF_W));
  EXPECT_EQ(bss.offset, kTextAt);
  EXPECT_EQ(bss.vaddr, kBss);
  EXPECT_EQ(bss.paddr, kBss);
  EXPECT_EQ(bss.filesz, 0u);
  EXPECT_EQ(bss.memsz, 0x100u);
  EXPECT_EQ(bss.align, 0x1000u);
  EXPECT_EQ(img.segment(4).type, kPtNull);
  EXPECT_EQ(img.segment(4).memsz, 0u);
  EXPECT_EQ(img.min_vaddr(), kBase);
  EXPECT_EQ(img.max_vaddr(), kBss + 0x100);
  const char* path;
  size_t len;
  ASSERT_TRUE(img.interp(&path, &len));
  EXPECT_EQ(name_str(path, len), kInterp);
  EXPECT_FALSE(img.has_dynamic());
  check_invariants(img, t.d);
}

TEST(ElfTiny, FindSection) {
  Tiny t = tiny();
  Image img;
  ASSERT_EQ(t.parse(&img), Error::None);
  uint64_t off = 0, size = 0, addr = 0;
  ASSERT_TRUE(img.find_section(".text", &off, &size, &addr));
  EXPECT_EQ(off, kTextAt);
  EXPECT_EQ(size, kTextSize);
  EXPECT_EQ(addr, kText);
  ASSERT_TRUE(img.find_section(".interp", &off, &size, &addr));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(t.d.data() + off)), kInterp);
  EXPECT_FALSE(img.find_section(".bss", &off, &size, &addr)) << "no bytes in the file";
  EXPECT_FALSE(img.find_section(".tex", &off, &size, &addr));
  EXPECT_FALSE(img.find_section(".text2", &off, &size, &addr));
  EXPECT_FALSE(img.find_section("", &off, &size, &addr)) << "section 0 is no section";
  t.sh(2)->sh_size = t.d.size();  // .text running past the end of the file
  ASSERT_EQ(t.parse(&img), Error::None);
  EXPECT_FALSE(img.find_section(".text", &off, &size, &addr));
}

TEST(ElfTiny, Symbolize) {
  Tiny t = tiny();
  Image img;
  ASSERT_EQ(t.parse(&img), Error::None);
  struct Case {
    uint64_t addr;
    const char* name;  // nullptr: no symbol
    uint64_t offset;
  } cases[] = {
      {kText, "first", 0},           {kText + 0x1f, "first", 0x1f}, {kText + 0x20, "outer", 0},
      {kText + 0x2f, "outer", 0xf},  {kText + 0x30, "inner", 0},    {kText + 0x37, "inner", 7},
      {kText + 0x38, "outer", 0x18}, {kText + 0x5f, "outer", 0x3f}, {kText + 0x60, nullptr, 0},
      {kText + 0x84, nullptr, 0},    {kText + 0x94, nullptr, 0},    {kText + 0xa4, nullptr, 0},
      {kText + 0xf0, "point", 0},    {kText + 0xf1, nullptr, 0},    {kBss + 0xc, "table", 0xc},
      {kBss + 0x10, nullptr, 0},     {0, nullptr, 0},               {kText - 1, nullptr, 0},
  };
  for (const Case& c : cases) {
    const char* name = nullptr;
    size_t len = 0;
    uint64_t off = 0;
    bool found = img.symbolize(c.addr, &name, &len, &off);
    EXPECT_EQ(found, c.name != nullptr) << std::hex << c.addr;
    if (found && c.name) {
      EXPECT_EQ(name_str(name, len), c.name) << std::hex << c.addr;
      EXPECT_EQ(off, c.offset) << std::hex << c.addr;
    }
  }
}

// Each corruption of a field, and the error it must give.
TEST(ElfTiny, RejectsCorruptHeaders) {
  struct Case {
    const char* what;
    void (*bend)(Tiny&);
    Error want;
  } cases[] = {
      {"magic", [](Tiny& t) { t.d[1] = 'X'; }, Error::BadMagic},
      {"class", [](Tiny& t) { t.d[EI_CLASS] = ELFCLASS32; }, Error::NotElf64},
      {"byte order", [](Tiny& t) { t.d[EI_DATA] = ELFDATA2MSB; }, Error::NotLittleEndian},
      {"ident version", [](Tiny& t) { t.d[EI_VERSION] = 0; }, Error::BadVersion},
      {"version", [](Tiny& t) { t.eh()->e_version = 2; }, Error::BadVersion},
      {"machine", [](Tiny& t) { t.eh()->e_machine = EM_AARCH64; }, Error::NotX86_64},
      {"relocatable", [](Tiny& t) { t.eh()->e_type = ET_REL; }, Error::BadType},
      {"core", [](Tiny& t) { t.eh()->e_type = ET_CORE; }, Error::BadType},
      {"ehsize", [](Tiny& t) { t.eh()->e_ehsize = 63; }, Error::BadHeader},
      {"phentsize", [](Tiny& t) { t.eh()->e_phentsize = 55; }, Error::BadProgramHeaders},
      {"no phdrs", [](Tiny& t) { t.eh()->e_phnum = 0; }, Error::BadProgramHeaders},
      {"PN_XNUM", [](Tiny& t) { t.eh()->e_phnum = PN_XNUM; }, Error::BadProgramHeaders},
      {"phdrs past the end", [](Tiny& t) { t.eh()->e_phoff = t.d.size() - 100; },
       Error::BadProgramHeaders},
      {"phoff huge", [](Tiny& t) { t.eh()->e_phoff = ~0ull - 8; }, Error::BadProgramHeaders},
      {"no PT_LOAD", [](Tiny& t) { t.ph(1)->p_type = t.ph(2)->p_type = PT_NULL; },
       Error::BadProgramHeaders},
      {"memsz < filesz", [](Tiny& t) { t.ph(1)->p_memsz = t.ph(1)->p_filesz - 1; },
       Error::BadSegment},
      {"align 3", [](Tiny& t) { t.ph(1)->p_align = 3; }, Error::BadSegment},
      {"vaddr not congruent", [](Tiny& t) { t.ph(1)->p_vaddr += 8; }, Error::BadSegment},
      {"file bytes past the end", [](Tiny& t) { t.ph(1)->p_filesz = t.ph(1)->p_memsz = t.d.size() + 1; },
       Error::BadSegment},
      {"offset past the end", [](Tiny& t) { t.ph(2)->p_offset = t.d.size() + 0x1000; },
       Error::BadSegment},
      {"offset + filesz wraps", [](Tiny& t) {
         t.ph(1)->p_offset = ~0ull - 0xfff; t.ph(1)->p_filesz = 0x2000; }, Error::BadSegment},
      {"kernel half", [](Tiny& t) { t.ph(2)->p_vaddr = 0xffffffff80002000; }, Error::BadSegment},
      {"ends past the lower half", [](Tiny& t) { t.ph(2)->p_vaddr = kProgramTop; },
       Error::BadSegment},
      {"vaddr + memsz wraps", [](Tiny& t) { t.ph(2)->p_memsz = ~0ull - 0x1000; }, Error::BadSegment},
      {"interp unterminated", [](Tiny& t) { t.ph(0)->p_filesz -= 1; }, Error::BadSegment},
      {"interp empty", [](Tiny& t) { t.ph(0)->p_filesz = 0; }, Error::BadSegment},
      {"note outside", [](Tiny& t) { t.ph(3)->p_type = PT_NOTE; t.ph(3)->p_filesz = t.d.size() + 1; },
       Error::BadSegment},
  };
  for (const Case& c : cases) {
    Tiny t = tiny();
    c.bend(t);
    Image img;
    EXPECT_EQ(t.parse(&img), c.want) << c.what;
    EXPECT_EQ(img.segment_count(), 0u) << c.what << ": a failed parse leaves the Image empty";
    EXPECT_FALSE(img.is_exec());
  }
}

TEST(ElfTiny, AcceptsWhatIsMerelyUnusual) {
  Tiny t = tiny();
  t.ph(3)->p_type = PT_NULL;  // a spare header, fields meaningless
  t.ph(3)->p_offset = ~0ull;
  t.ph(3)->p_filesz = ~0ull;
  EXPECT_EQ(t.parse(), Error::None);
  t = tiny();
  t.ph(1)->p_align = 0;  // no alignment constraint
  t.ph(1)->p_vaddr += 8;
  EXPECT_EQ(t.parse(), Error::None);
  t = tiny();
  t.eh()->e_type = ET_DYN;
  Image img;
  ASSERT_EQ(t.parse(&img), Error::None);
  EXPECT_TRUE(img.is_dyn());
}

// Broken section headers cost symbols and sections, not the program.
TEST(ElfTiny, CorruptSectionHeadersOnlyCostSymbols) {
  struct Case {
    const char* what;
    void (*bend)(Tiny&);
  } cases[] = {
      {"shentsize", [](Tiny& t) { t.eh()->e_shentsize = 40; }},
      {"shoff past the end", [](Tiny& t) { t.eh()->e_shoff = t.d.size(); }},
      {"shnum too big", [](Tiny& t) { t.eh()->e_shnum = 200; }},
      {"symtab link", [](Tiny& t) { t.sh(4)->sh_link = 99; }},
      {"symtab linked to itself", [](Tiny& t) { t.sh(4)->sh_link = 4; }},
      {"symtab entsize", [](Tiny& t) { t.sh(4)->sh_entsize = 0; }},
      {"symtab past the end", [](Tiny& t) { t.sh(4)->sh_offset = t.d.size(); t.sh(4)->sh_size = 24; }},
      {"strtab past the end", [](Tiny& t) { t.sh(5)->sh_size = ~0ull; }},
      {"shstrndx", [](Tiny& t) { t.eh()->e_shstrndx = 99; }},
      {"shstrtab past the end", [](Tiny& t) { t.sh(6)->sh_offset = ~0ull - 2; }},
  };
  for (const Case& c : cases) {
    Tiny t = tiny();
    c.bend(t);
    Image img;
    ASSERT_EQ(t.parse(&img), Error::None) << c.what;
    const char* name;
    size_t len;
    uint64_t off, size, addr;
    bool sym = img.symbolize(kText, &name, &len, &off);
    bool sec = img.find_section(".text", &off, &size, &addr);
    EXPECT_FALSE(sym && sec) << c.what;
    check_invariants(img, t.d);
  }
  // Symbol names running off the end of .strtab stop at its end.
  Tiny t = tiny();
  t.sh(5)->sh_size = 3;  // "\0fi"
  Image img;
  ASSERT_EQ(t.parse(&img), Error::None);
  const char* name;
  size_t len;
  uint64_t off;
  ASSERT_TRUE(img.symbolize(kText, &name, &len, &off));
  EXPECT_EQ(name_str(name, len), "fi");
  EXPECT_FALSE(img.symbolize(kText + 0x20, &name, &len, &off)) << "names past the table";
}

TEST(ElfTiny, EveryTruncationIsSafe) {
  Tiny t = tiny();
  for (size_t n = 0; n <= t.d.size(); n++) {
    Bytes d(t.d.begin(), t.d.begin() + long(n));
    Image img;
    Error e = img.parse(d.data(), d.size());
    if (n < 64) {
      EXPECT_EQ(e, Error::TooSmall);
    }
    if (e == Error::None) check_invariants(img, d);
  }
}

TEST(ElfTiny, EveryByteFlipIsSafe) {
  Tiny t = tiny();
  for (size_t at = 0; at < t.d.size(); at++) {
    for (uint8_t flip : {0x01, 0x10, 0x80, 0xff}) {
      Bytes d = t.d;
      d[at] ^= flip;
      Image img;
      if (img.parse(d.data(), d.size()) == Error::None) check_invariants(img, d);
    }
  }
}

TEST(ElfTiny, AnEmptyImageAnswersNothing) {
  Image img;
  const char* name;
  size_t len;
  uint64_t off, size, addr;
  EXPECT_EQ(img.segment_count(), 0u);
  EXPECT_EQ(img.segment(0).type, kPtNull);
  EXPECT_FALSE(img.interp(&name, &len));
  EXPECT_FALSE(img.has_dynamic());
  EXPECT_FALSE(img.symbolize(0, &name, &len, &off));
  EXPECT_FALSE(img.find_section(".text", &off, &size, &addr));
  EXPECT_FALSE(img.is_exec() || img.is_dyn());
  EXPECT_EQ(img.parse(nullptr, 0), Error::TooSmall);
}

TEST(ElfTiny, ErrorStrings) {
  for (int e = int(Error::TooSmall); e <= int(Error::BadSectionHeaders); e++)
    EXPECT_GT(std::strlen(error_string(Error(e))), 10u);
}

// --- Real programs ------------------------------------------------------

TEST(ElfReal, StaticProgram) {
  Bytes data = slurp(KILN_TEST_STATIC_PROGRAM);
  ASSERT_GT(data.size(), 64u);
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  EXPECT_TRUE(img.is_exec());
  const char* interp;
  size_t len;
  EXPECT_FALSE(img.interp(&interp, &len));
  EXPECT_FALSE(img.has_dynamic());
  EXPECT_GE(img.min_vaddr(), 0x400000u);
  EXPECT_GT(img.max_vaddr(), img.min_vaddr());
  const char* name;
  uint64_t off;
  ASSERT_TRUE(img.symbolize(img.entry(), &name, &len, &off));
  EXPECT_EQ(name_str(name, len), "_start");
  EXPECT_EQ(off, 0u);
  ASSERT_TRUE(img.symbolize(img.entry() + 3, &name, &len, &off));
  EXPECT_EQ(off, 3u);
  uint64_t sec_off, sec_size, sec_addr;
  ASSERT_TRUE(img.find_section(".text", &sec_off, &sec_size, &sec_addr));
  EXPECT_LE(sec_addr, img.entry());
  EXPECT_GT(sec_addr + sec_size, img.entry());
  EXPECT_FALSE(img.find_section(".no_such", &sec_off, &sec_size, &sec_addr));
  check_invariants(img, data);
}

TEST(ElfReal, DynamicProgramHasInterpreter) {
  Bytes data = slurp("/bin/true");
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  const char* interp;
  size_t len;
  ASSERT_TRUE(img.interp(&interp, &len));
  EXPECT_EQ(name_str(interp, len), "/lib64/ld-linux-x86-64.so.2");
  EXPECT_TRUE(img.has_dynamic());
  check_invariants(img, data);
}

int find_main_bias(dl_phdr_info* info, size_t, void* out) {
  *static_cast<uint64_t*>(out) = info->dlpi_addr;  // the first object is the program
  return 1;
}

// This test program is not stripped: its own functions and data symbolize.
TEST(ElfReal, SymbolizesThisTestProgram) {
  Bytes data = slurp("/proc/self/exe");
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  uint64_t bias = 0;
  dl_iterate_phdr(find_main_bias, &bias);
  const char* name;
  size_t len;
  uint64_t off;
  auto fn = reinterpret_cast<uint64_t>(&kiln_elf_test_marker) - bias;
  ASSERT_TRUE(img.symbolize(fn + 2, &name, &len, &off));
  EXPECT_EQ(name_str(name, len), "kiln_elf_test_marker");
  EXPECT_EQ(off, 2u);
  auto table = reinterpret_cast<uint64_t>(&kiln_elf_test_table[3]) - bias;
  ASSERT_TRUE(img.symbolize(table, &name, &len, &off));
  EXPECT_EQ(name_str(name, len), "kiln_elf_test_table");
  EXPECT_EQ(off, 12u);
  EXPECT_EQ(kiln_elf_test_marker(kiln_elf_test_table[0]), 4);
}

// The first header bytes of a real static program, flipped: no crash, and
// whatever parses stays inside the file.
TEST(ElfReal, EveryHeaderByteFlipIsSafe) {
  Bytes data = slurp(KILN_TEST_STATIC_PROGRAM);
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  size_t headers = 64 + size_t(img.phnum()) * 56;
  for (size_t at = 0; at < headers; at++) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      Bytes d = data;
      d[at] ^= flip;
      Image i;
      if (i.parse(d.data(), d.size()) == Error::None) check_invariants(i, d);
    }
  }
}

}  // namespace
}  // namespace kiln::elf
