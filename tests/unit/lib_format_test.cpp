// The kernel's printf (kernel/lib/format) against the host's snprintf, and
// its truncation rules.
#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <sys/types.h>

#include "lib/format.h"

namespace kiln {
namespace {

// Formats with both and compares text and returned length; also through
// every smaller buffer, where both must truncate alike.
#define SAME(fmt, ...)                                                              \
  do {                                                                              \
    char want[512], got[512];                                                       \
    int n = snprintf(want, sizeof want, fmt, ##__VA_ARGS__);                        \
    ASSERT_GE(n, 0);                                                                \
    size_t m = format(got, sizeof got, fmt, ##__VA_ARGS__);                         \
    EXPECT_EQ(m, size_t(n)) << "format \"" << fmt << "\"";                          \
    EXPECT_STREQ(got, want) << "format \"" << fmt << "\"";                          \
    for (size_t cap = 0; cap <= size_t(n) + 1; cap++) {                             \
      char w[512], g[512];                                                          \
      memset(w, 'W', sizeof w);                                                     \
      memset(g, 'W', sizeof g);                                                     \
      snprintf(w, cap, fmt, ##__VA_ARGS__);                                         \
      format(g, cap, fmt, ##__VA_ARGS__);                                           \
      ASSERT_EQ(memcmp(w, g, cap + 8), 0) << "format \"" << fmt << "\", cap " << cap; \
    }                                                                               \
  } while (0)

std::string fmt(const char* f, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, f);
  vformat(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

TEST(Format, PlainTextAndPercent) {
  SAME("%s", "");
  SAME("hello, world\n");
  SAME("100%%");
  SAME("%%d%%");
  SAME("a%cb", 'x');
  SAME("%c%c%c", 'a', 0x7f, ' ');
}

TEST(Format, SignedIntegers) {
  SAME("%d", 0);
  SAME("%d", 42);
  SAME("%d", -42);
  SAME("%i", -7);
  SAME("%d", INT_MAX);
  SAME("%d", INT_MIN);
  SAME("%ld", LONG_MAX);
  SAME("%ld", LONG_MIN);
  SAME("%lld", LLONG_MIN);
  SAME("%lli", -1LL);
  SAME("%zd", ssize_t(-123456789));
  SAME("%d|%d|%d", 1, -2, 3);
}

TEST(Format, UnsignedIntegers) {
  SAME("%u", 0u);
  SAME("%u", UINT_MAX);
  SAME("%lu", ULONG_MAX);
  SAME("%llu", ULLONG_MAX);
  SAME("%zu", SIZE_MAX);
  SAME("%x", 0xdeadbeefu);
  SAME("%X", 0xdeadbeefu);
  SAME("%lx", 0x0123456789abcdefUL);
  SAME("%llX", 0xfedcba9876543210ULL);
  SAME("%o", 0u);
  SAME("%o", 8u);
  SAME("%lo", 0777777UL);
  SAME("%x", 0u);
  SAME("%u %u", 3000000000u, 5u);
}

TEST(Format, ShortAndCharModifiers) {
  SAME("%hd", 70000);
  SAME("%hd", -1);
  SAME("%hu", 65541);
  SAME("%hx", -1);
  SAME("%hhx", -1);
  SAME("%hhd", 200);
  SAME("%hhu", 0x1ff);
  SAME("%hho", 0x1ff);
  SAME("%hX", 0x12345);
}

TEST(Format, WidthAndFlags) {
  SAME("[%5d]", 42);
  SAME("[%-5d]", 42);
  SAME("[%05d]", 42);
  SAME("[%05d]", -42);
  SAME("[%5d]", -42);
  SAME("[%-5d]", -42);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
  SAME("[%-05d]", 42);  // '-' wins over '0'
#pragma GCC diagnostic pop
  SAME("[%2d]", 12345);
  SAME("[%08x]", 0xbeefu);
  SAME("[%-8x]", 0xbeefu);
  SAME("[%016lx]", 0xffffffff80000000UL);
  SAME("[%#x]", 255u);
  SAME("[%#X]", 255u);
  SAME("[%#o]", 8u);
  SAME("[%#10x]", 255u);
  SAME("[%#-10x]", 255u);
  SAME("[%#010x]", 255u);
  SAME("[%*d]", 6, 17);
  SAME("[%*d]", -6, 17);  // a negative width from '*' means '-'
  SAME("[%-*d]", 6, 17);
  SAME("[%*s]", -4, "ab");
  SAME("[%3c]", 'z');
  SAME("[%-3c]", 'z');
  SAME("[%1d]", 0);
  SAME("[%20llu]", ULLONG_MAX);
}

TEST(Format, Strings) {
  SAME("%s", "");
  SAME("%s", "kiln");
  SAME("[%10s]", "kiln");
  SAME("[%-10s]", "kiln");
  SAME("[%2s]", "kiln");
  SAME("[%.2s]", "kiln");
  SAME("[%.0s]", "kiln");
  SAME("[%.10s]", "kiln");
  SAME("[%6.2s]", "kiln");
  SAME("[%-6.2s]", "kiln");
  SAME("[%.*s]", 3, "kiln");
  SAME("[%.*s]", -1, "kiln");  // a negative precision is no precision
  SAME("[%*.*s]", 5, 1, "kiln");
  // Precision bounds the read: the text need not be terminated.
  const char raw[3] = {'a', 'b', 'c'};
  SAME("[%.3s]", raw);
  SAME("%s=%s", "key", "value");
}

TEST(Format, Pointers) {
  int x;
  SAME("%p", static_cast<void*>(&x));
  SAME("%p", reinterpret_cast<void*>(0x1000));
  SAME("[%20p]", reinterpret_cast<void*>(0xffffffff80001234));
  SAME("[%-20p]", reinterpret_cast<void*>(0x1234));
}

// Where the kernel deliberately differs from glibc.
TEST(Format, KernelChoices) {
  EXPECT_EQ(fmt("%p", static_cast<void*>(nullptr)), "0x0") << "glibc prints (nil)";
  EXPECT_EQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(fmt("[%8s]", static_cast<const char*>(nullptr)), "[  (null)]");
  // '#' prefixes a hex zero too (backtraces print name+0x0); C prints a
  // bare 0. An octal zero stays "0", as in C.
  EXPECT_EQ(fmt("%#x", 0u), "0x0");
  EXPECT_EQ(fmt("%#lx", 0UL), "0x0");
  EXPECT_EQ(fmt("%#X", 0u), "0X0");
  EXPECT_EQ(fmt("%#o", 0u), "0");
  // Unknown conversions are copied; a lone '%' at the end is dropped.
  EXPECT_EQ(fmt("%q"), "%q");
  EXPECT_EQ(fmt("%y%d", 5), "%y5");
  EXPECT_EQ(fmt("50%"), "50");
  EXPECT_EQ(fmt("%5"), "");
}

TEST(Format, Truncation) {
  char buf[16];
  memset(buf, 'X', sizeof buf);
  EXPECT_EQ(format(buf, 5, "%s", "abcdefgh"), 8u) << "the full length, like vsnprintf";
  EXPECT_STREQ(buf, "abcd");
  EXPECT_EQ(buf[5], 'X') << "nothing written past cap";
  memset(buf, 'X', sizeof buf);
  EXPECT_EQ(format(buf, 1, "%d", 12345), 5u);
  EXPECT_EQ(buf[0], '\0');
  EXPECT_EQ(buf[1], 'X');
  EXPECT_EQ(format(nullptr, 0, "%s-%d", "abc", 42), 6u) << "cap 0 writes nothing";
  memset(buf, 'X', sizeof buf);
  EXPECT_EQ(format(buf, 0, "abc"), 3u);
  EXPECT_EQ(buf[0], 'X');
  // Exactly fitting, and one short.
  EXPECT_EQ(format(buf, 4, "abc"), 3u);
  EXPECT_STREQ(buf, "abc");
  EXPECT_EQ(format(buf, 3, "abc"), 3u);
  EXPECT_STREQ(buf, "ab");
  // Padding is cut like text.
  EXPECT_EQ(format(buf, 6, "%10d", 7), 10u);
  EXPECT_STREQ(buf, "     ");
  EXPECT_EQ(format(buf, 6, "%-10d|", 7), 11u);
  EXPECT_STREQ(buf, "7    ");
}

TEST(Format, VformatConsumesArgumentsInOrder) {
  EXPECT_EQ(fmt("%d %s %c %lu %x %p %%", -1, "two", '3', 4UL, 5u, reinterpret_cast<void*>(6)),
            "-1 two 3 4 5 0x6 %");
  EXPECT_EQ(fmt("%*d|%.*s|%d", 4, 1, 2, "xyz", 9), "   1|xy|9");
}

// A sweep of numbers through every integer conversion and a few widths.
TEST(Format, Sweep) {
  const long long values[] = {0, 1, -1, 7, 9, 10, 15, 16, 99, 100, 255, 256, 4095, -4096,
                              65535, 65536, INT_MAX, INT_MIN, 1LL << 32, -(1LL << 40),
                              LLONG_MAX, LLONG_MIN + 1};
  for (long long v : values) {
    unsigned long long u = static_cast<unsigned long long>(v);
    SAME("%lld %llu %llx %llX %llo", v, u, u, u, u);
    SAME("[%12lld][%-12lld][%012lld]", v, v, v);
    SAME("[%18llx][%-18llx][%018llx][%#llo]", u, u, u, u);
    if (u) SAME("[%#llx][%#20llX][%#020llx]", u, u, u);
    SAME("%d %u %x", int(v), unsigned(u), unsigned(u));
  }
}

}  // namespace
}  // namespace kiln
