// The ELF reader against real programs built by the test build, and
// against every single-byte corruption of a header.
#include "lib/elf.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef KILN_TEST_STATIC_PROGRAM
#error "the build passes the path of a static test program"
#endif

namespace kiln::elf {
namespace {

std::vector<uint8_t> slurp(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// A function with a known address, in this test binary... the static one is
// read from disk, so symbolization is checked against its own entry point.
TEST(Elf, StaticProgram) {
  std::vector<uint8_t> data = slurp(KILN_TEST_STATIC_PROGRAM);
  ASSERT_GT(data.size(), 64u);
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  EXPECT_TRUE(img.is_exec());
  const char* interp;
  size_t len;
  EXPECT_FALSE(img.interp(&interp, &len));
  EXPECT_GE(img.min_vaddr(), 0x400000u);
  EXPECT_GT(img.max_vaddr(), img.min_vaddr());
  EXPECT_EQ(img.phentsize(), 56);
  const char* name;
  uint64_t off;
  ASSERT_TRUE(img.symbolize(img.entry(), &name, &len, &off));
  EXPECT_EQ(std::string(name, len), "_start");
  EXPECT_EQ(off, 0u);
  uint64_t sec_off, sec_size, sec_addr;
  EXPECT_TRUE(img.find_section(".text", &sec_off, &sec_size, &sec_addr));
  EXPECT_FALSE(img.find_section(".no_such", &sec_off, &sec_size, &sec_addr));
}

TEST(Elf, DynamicProgramHasInterpreter) {
  std::vector<uint8_t> data = slurp("/bin/true");
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  const char* interp;
  size_t len;
  ASSERT_TRUE(img.interp(&interp, &len));
  EXPECT_EQ(std::string(interp, len), "/lib64/ld-linux-x86-64.so.2");
  EXPECT_TRUE(img.has_dynamic());
}

TEST(Elf, RejectsWhatIsNotAnX8664Program) {
  std::vector<uint8_t> data = slurp(KILN_TEST_STATIC_PROGRAM);
  Image img;
  EXPECT_EQ(img.parse(data.data(), 10), Error::TooSmall);
  auto with = [&](size_t at, uint8_t v) {
    std::vector<uint8_t> d = data;
    d[at] = v;
    return img.parse(d.data(), d.size());
  };
  EXPECT_EQ(with(0, 'X'), Error::BadMagic);
  EXPECT_EQ(with(4, 1), Error::NotElf64);
  EXPECT_EQ(with(5, 2), Error::NotLittleEndian);
  EXPECT_EQ(with(18, 183), Error::NotX86_64);  // EM_AARCH64
  EXPECT_EQ(with(16, 1), Error::BadType);       // ET_REL
  EXPECT_EQ(with(56, 0), Error::BadProgramHeaders);  // no program headers
}

TEST(Elf, EveryHeaderByteFlipIsSafe) {
  std::vector<uint8_t> data = slurp(KILN_TEST_STATIC_PROGRAM);
  Image img;
  ASSERT_EQ(img.parse(data.data(), data.size()), Error::None);
  size_t headers = 64 + size_t(img.phnum()) * 56;
  for (size_t at = 0; at < headers; at++) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> d = data;
      d[at] ^= flip;
      Image i;
      if (i.parse(d.data(), d.size()) != Error::None) continue;
      // Whatever parses must be safe to walk.
      for (size_t s = 0; s < i.segment_count(); s++) (void)i.segment(s);
      const char* name;
      size_t len;
      uint64_t off;
      (void)i.symbolize(i.entry(), &name, &len, &off);
    }
  }
}

}  // namespace
}  // namespace kiln::elf
