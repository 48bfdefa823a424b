// Backtrace names (kernel/core/symbols) from a table in the format `kiln
// bake` writes to .kiln/kernel.sym: "%016llx %llx NAME\n", sorted by address.
#include <gtest/gtest.h>

#include <string>

#include "core/symbols.h"

namespace kiln {
namespace {

std::string sym(uint64_t addr, size_t cap = 128) {
  char buf[128];
  kernel_symbolize(addr, buf, cap);
  return buf;
}

class Symbols : public ::testing::Test {
 protected:
  void use(const std::string& t) {
    table_ = t;
    kernel_symbols_init(table_.data(), table_.size());
  }
  ~Symbols() override { kernel_symbols_init(nullptr, 0); }
  std::string table_;
};

const char kTable[] =
    "ffffffff80100000 40 kiln::kmain()\n"
    "ffffffff80100040 0 kiln::trampoline\n"
    "ffffffff80100050 1c0 kiln::Heap::alloc(unsigned long)\n"
    "ffffffff80100300 8 operator new(unsigned long)\n";

TEST_F(Symbols, NoTable) {
  kernel_symbols_init(nullptr, 0);
  EXPECT_EQ(sym(0xffffffff80100000), "?");
  use("");
  EXPECT_EQ(sym(0xffffffff80100000), "?");
}

TEST_F(Symbols, NamesAndOffsets) {
  use(kTable);
  EXPECT_EQ(sym(0xffffffff80100000), "kiln::kmain()+0x0");
  EXPECT_EQ(sym(0xffffffff80100001), "kiln::kmain()+0x1");
  EXPECT_EQ(sym(0xffffffff8010003f), "kiln::kmain()+0x3f");
  EXPECT_EQ(sym(0xffffffff80100060), "kiln::Heap::alloc(unsigned long)+0x10")
      << "names keep their spaces";
  EXPECT_EQ(sym(0xffffffff8010020f), "kiln::Heap::alloc(unsigned long)+0x1bf");
  EXPECT_EQ(sym(0xffffffff80100307), "operator new(unsigned long)+0x7");
}

TEST_F(Symbols, OutsideEverySymbol) {
  use(kTable);
  EXPECT_EQ(sym(0), "?");
  EXPECT_EQ(sym(0xffffffff800fffff), "?") << "below the first";
  EXPECT_EQ(sym(0xffffffff80100210), "?") << "the end is exclusive, and 210..300 is a hole";
  EXPECT_EQ(sym(0xffffffff80100308), "?") << "past the last";
  EXPECT_EQ(sym(~0ull), "?");
}

TEST_F(Symbols, SizeZeroCoversItsOwnAddress) {
  use(kTable);
  EXPECT_EQ(sym(0xffffffff80100040), "kiln::trampoline+0x0");
  EXPECT_EQ(sym(0xffffffff80100041), "?");
}

TEST_F(Symbols, LastLineWithoutNewline) {
  use("1000 10 first\n2000 10 last");
  EXPECT_EQ(sym(0x2004), "last+0x4");
  EXPECT_EQ(sym(0x1000), "first+0x0");
}

TEST_F(Symbols, TheTableLengthIsRespected) {
  // The bytes after len are not part of the table.
  table_ = "1000 10 first\n2000 10 second\n";
  kernel_symbols_init(table_.data(), 14);
  EXPECT_EQ(sym(0x1001), "first+0x1");
  EXPECT_EQ(sym(0x2001), "?");
  kernel_symbols_init(table_.data(), 10);  // cut inside the first name
  EXPECT_EQ(sym(0x1001), "fi+0x1");
}

TEST_F(Symbols, AMalformedLineEndsTheTable) {
  use("1000 10 good\nzzzz 10 bad\n3000 10 unreachable\n");
  EXPECT_EQ(sym(0x1000), "good+0x0");
  EXPECT_EQ(sym(0x3000), "?");
  use("1000 10\n2000 10 after\n");  // no blank after the size
  EXPECT_EQ(sym(0x1000), "?");
  EXPECT_EQ(sym(0x2000), "?");
}

TEST_F(Symbols, TruncatesToTheBuffer) {
  use(kTable);
  EXPECT_EQ(sym(0xffffffff80100010, 8), "kiln::k");
  EXPECT_EQ(sym(0xffffffff80100010, 1), "");
  EXPECT_EQ(sym(0, 1), "");
}

}  // namespace
}  // namespace kiln
