// The address syntax of -W and -p (tools/kiln/ip_addr.h): a strict dotted
// quad, prefix masks, and IPv6 in any inet_pton form out as RFC 5952 text.
#include "ip_addr.h"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

TEST(KilnIpAddr, Ipv4) {
  EXPECT_EQ(parse_ipv4("10.0.2.15"), 0x0a00020fu);
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
  for (const char* bad : {"", "10.0.2", "10.0.2.15.", ".10.0.2.15", "10.0.2.256", "10.0.02.15", "10..2.15",
                          "10.0.2.15 ", "1.2.3.4/24", "-1.0.0.0", "1000.0.0.1", "a.b.c.d", "0x0a.0.0.1"})
    EXPECT_FALSE(parse_ipv4(bad)) << bad;
  EXPECT_EQ(format_ipv4(0x0a00020f), "10.0.2.15");
  EXPECT_EQ(format_ipv4(0xffffffff), "255.255.255.255");
}

TEST(KilnIpAddr, Ipv4Masks) {
  EXPECT_EQ(ipv4_mask(0), 0u);
  EXPECT_EQ(ipv4_mask(1), 0x80000000u);
  EXPECT_EQ(ipv4_mask(24), 0xffffff00u);
  EXPECT_EQ(ipv4_mask(32), 0xffffffffu);
}

TEST(KilnIpAddr, Ipv6) {
  auto canonical = [](const char* text) {
    auto addr = parse_ipv6(text);
    return addr ? format_ipv6(*addr) : std::string("(invalid)");
  };
  EXPECT_EQ(canonical("fd00::1"), "fd00::1");
  EXPECT_EQ(canonical("FD00:0::0001"), "fd00::1");
  EXPECT_EQ(canonical("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(canonical("::"), "::");
  EXPECT_EQ(canonical("::ffff:10.0.2.15"), "::ffff:10.0.2.15");
  for (const char* bad : {"", "fd00::zz", "1:2:3:4:5:6:7:8:9", "fd00::1::2", "fd00::1/64", "10.0.2.15"})
    EXPECT_FALSE(parse_ipv6(bad)) << bad;
}

}  // namespace
}  // namespace kiln::cli
