// kiln run --syslog HOST[:PORT] (tools/kiln/syslog_server.h): the spec taken
// apart, its exact errors, and the address text handed to the kernel.
#include "syslog_server.h"

#include <gtest/gtest.h>

#include "tools_kiln_thrown.h"

namespace kiln::cli {
namespace {

std::string spec(std::string_view text) {
  SyslogServer s = parse_syslog_server(text);
  return s.host + " " + std::to_string(s.port);
}

std::string error_of(std::string_view text) {
  return thrown([&] { parse_syslog_server(text); });
}

TEST(KilnSyslogServer, Specs) {
  EXPECT_EQ(spec("10.0.120.1"), "10.0.120.1 514");
  EXPECT_EQ(spec("10.0.120.1:5140"), "10.0.120.1 5140");
  EXPECT_EQ(spec("logs.example.com"), "logs.example.com 514");
  EXPECT_EQ(spec("logs-2:1"), "logs-2 1");
  EXPECT_EQ(spec("[fd00:120::1]:65535"), "fd00:120::1 65535");
  EXPECT_EQ(spec("[fd00:120::1]"), "fd00:120::1 514");
  EXPECT_EQ(spec("fd00:120::1"), "fd00:120::1 514");  // bare IPv6: no port
}

TEST(KilnSyslogServer, Errors) {
  const std::string head = "usage: run: --syslog wants HOST[:PORT] (a name, an IPv4 address or [IPv6]), not '";
  EXPECT_EQ(error_of(""), head + "': no HOST");
  EXPECT_EQ(error_of(":514"), head + ":514': no HOST");
  EXPECT_EQ(error_of("host:"), head + "host:': the port is a number from 1 to 65535");
  EXPECT_EQ(error_of("host:0"), head + "host:0': the port is a number from 1 to 65535");
  EXPECT_EQ(error_of("host:65536"), head + "host:65536': the port is a number from 1 to 65535");
  EXPECT_EQ(error_of("host:syslog"), head + "host:syslog': the port is a number from 1 to 65535");
  EXPECT_EQ(error_of("[fd00::1"), head + "[fd00::1': no ']' after the IPv6 address");
  EXPECT_EQ(error_of("[fd00::1]514"), head + "[fd00::1]514': ':PORT' or nothing may follow ']'");
  EXPECT_EQ(error_of("[fd00::1]:"), head + "[fd00::1]:': the port is a number from 1 to 65535");
  EXPECT_EQ(error_of("[10.0.0.1]:514"), head + "[10.0.0.1]:514': '10.0.0.1' is not an IPv6 address");
  EXPECT_EQ(error_of("fd00::1:x:514"), head + "fd00::1:x:514': an IPv6 address with a port is written [ADDRESS]:PORT");
  EXPECT_EQ(error_of("bad_name"), head + "bad_name': 'bad_name' is neither an address nor a host name");
  EXPECT_EQ(error_of("-x"), head + "-x': '-x' is neither an address nor a host name");
}

TEST(KilnSyslogServer, AddressesAsTheKernelReadsThem) {
  EXPECT_EQ(resolve_syslog_host("10.0.120.1"), "10.0.120.1");
  EXPECT_EQ(resolve_syslog_host("fd00:120:0:0::1"), "fd00:120::1");
  EXPECT_EQ(resolve_syslog_host("::ffff:10.0.120.1"), "10.0.120.1");
  EXPECT_EQ(thrown([] { resolve_syslog_host("0.0.0.0"); }),
            "failure: run: --syslog 0.0.0.0: the unspecified address cannot be sent to");
  EXPECT_EQ(thrown([] { resolve_syslog_host("::"); }),
            "failure: run: --syslog ::: the unspecified address cannot be sent to");
}

}  // namespace
}  // namespace kiln::cli
