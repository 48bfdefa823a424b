// The boot configuration JSON the launcher hands the kernel
// (tools/kiln/boot_config.h, docs/internals.md "Boot configuration"),
// byte for byte, and the -r program specs that go into its "rc".
// core_bootcfg_test covers the kernel's side of the same text.
#include "boot_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools_kiln_thrown.h"

namespace kiln::cli {
namespace {

using Words = std::vector<std::string>;

BootConfig with_args(const Words& args) {
  BootConfig config;
  config.args = args;
  return config;
}

TEST(KilnBootJson, NothingGiven) { EXPECT_EQ(boot_json({}), "{}"); }

TEST(KilnBootJson, Probe) {
  BootConfig config;
  config.probe = true;
  EXPECT_EQ(boot_json(config), R"({"probe":true})");
}

TEST(KilnBootJson, EverythingInItsOrder) {
  NetPlan net;
  net.add_interface("net0,tap,ifname=tap0");
  net.add_address("net0,inet,static,10.0.120.120/24,10.0.120.1");
  net.add_address("net0,inet6,auto");
  net.add_interface("u,user");
  net.add_address("u,inet,static,10.0.2.15/24");
  net.finish("web");
  BootConfig config{
      .args = {"one", "two words"},
      .env = {"TZ=UTC", "A=b c"},
      .hostname = "web",
      .verbose = true,
      .time_ns = 1790000000123456789u,
      .net = net.entries(),
      .blk = {{.file = "/images/data.iso", .dev = "vda", .serial = "kiln-vda", .mountpoint = "/data",
               .fstype = "iso9660", .read_only = true},
              {.file = "/images/scratch.img", .dev = "vdb", .serial = "kiln-vdb", .mountpoint = "", .fstype = "raw"}},
      .rc = {parse_rc_program("gen 3 |"), parse_rc_program("sink -v 'two words'")},
      .syslog = std::nullopt,
  };
  EXPECT_EQ(boot_json(config),
            R"({"args":["one","two words"],"env":["TZ=UTC","A=b c"],"hostname":"web","verbose":true,)"
            R"("time":1790000000123456789,"net":[)"
            R"({"if":"eth0","tag":"net0","mac":"52:54:00:bc:d7:2c","type":"inet","method":"static",)"
            R"("addr":"10.0.120.120","mask":"24","gw":"10.0.120.1"},)"
            R"({"if":"eth0","tag":"net0","mac":"52:54:00:bc:d7:2c","type":"inet6","method":"auto"},)"
            R"({"if":"eth1","tag":"u","mac":"52:54:00:6a:e2:e1","type":"inet","method":"static",)"
            R"("addr":"10.0.2.15","mask":"24"}],)"
            R"("blk":[{"dev":"vda","serial":"kiln-vda","path":"/dev/vda","mountpoint":"/data","fstype":"iso9660",)"
            R"("ro":true},{"dev":"vdb","serial":"kiln-vdb","path":"/dev/vdb","fstype":"raw","ro":false}],)"
            R"("rc":[{"bin":"gen","argv":["gen","3"],"runmode":"|"},{"bin":"sink","argv":["sink","-v","two words"]}]})");
}

TEST(KilnBootJson, SyslogComesLast) {
  BootConfig config;
  config.hostname = "web";
  config.rc = {parse_rc_program("srv")};
  config.syslog = SyslogTarget{.addr = "fd00:120::1", .port = 5140, .hostname = "web"};
  EXPECT_EQ(boot_json(config), R"({"hostname":"web","rc":[{"bin":"srv","argv":["srv"]}],)"
                               R"("syslog":{"addr":"fd00:120::1","port":5140,"hostname":"web"}})");
}

TEST(KilnBootJson, StringsAreEscaped) {
  EXPECT_EQ(boot_json(with_args({"q\"b\\s\n\t", "caf\xc3\xa9"})),
            R"({"args":["q\"b\\s\n\t","caf)" "\xc3\xa9" R"("]})");
}

TEST(KilnBootJson, InvalidUtf8) {
  const std::string message = "usage: run: program arguments and environment must be valid UTF-8";
  EXPECT_EQ(thrown([] { boot_json(with_args({"\xff"})); }), message);
  BootConfig env;
  env.env = {"A=\xc3"};
  EXPECT_EQ(thrown([&] { boot_json(env); }), message);
}

TEST(KilnRcProgram, Specs) {
  RcProgram p = parse_rc_program("gen 3 |");
  EXPECT_EQ(p.bin, "gen");
  EXPECT_EQ(p.argv, (Words{"gen", "3"}));
  EXPECT_EQ(p.runmode, "|");
  p = parse_rc_program("srv -p 80&");
  EXPECT_EQ(p.argv, (Words{"srv", "-p", "80"}));
  EXPECT_EQ(p.runmode, "&");
  p = parse_rc_program("  sink -v 'two words' \"x y\"");
  EXPECT_EQ(p.bin, "sink");
  EXPECT_EQ(p.argv, (Words{"sink", "-v", "two words", "x y"}));
  EXPECT_EQ(p.runmode, "");
  p = parse_rc_program("/bin/x &");
  EXPECT_EQ(p.bin, "/bin/x");
  EXPECT_EQ(p.argv, (Words{"/bin/x"}));
  EXPECT_EQ(p.runmode, "&");
}

TEST(KilnRcProgram, Errors) {
  auto error_of = [](const std::string& spec) { return thrown([&] { parse_rc_program(spec); }); };
  EXPECT_EQ(error_of(""), "usage: run: -r wants 'PROGRAM [ARGS...] [&|]', not ''");
  EXPECT_EQ(error_of(" & "), "usage: run: -r wants 'PROGRAM [ARGS...] [&|]', not ' & '");
  EXPECT_EQ(error_of("|"), "usage: run: -r wants 'PROGRAM [ARGS...] [&|]', not '|'");
  EXPECT_EQ(error_of("a & |"), "usage: run: -r 'a & |': one run mode at most (& or |)");
  EXPECT_EQ(error_of("a&&"), "usage: run: -r 'a&&': one run mode at most (& or |)");
  EXPECT_EQ(error_of("a 'b"), "usage: unterminated ' quote in 'a 'b'");
}

TEST(KilnRcProgram, TheList) {
  std::vector<RcProgram> rc(16, parse_rc_program("a &"));
  EXPECT_EQ(thrown([&] { check_rc_programs(rc); }), "nothing thrown");
  rc.push_back(parse_rc_program("a"));
  EXPECT_EQ(thrown([&] { check_rc_programs(rc); }), "usage: run: at most 16 programs (-r)");
  EXPECT_EQ(thrown([] { check_rc_programs({parse_rc_program("gen |"), parse_rc_program("sink")}); }),
            "nothing thrown");
  EXPECT_EQ(thrown([] { check_rc_programs({parse_rc_program("sink"), parse_rc_program("gen |")}); }),
            "usage: run: the last -r program ('gen') has nothing to pipe into");
  EXPECT_EQ(thrown([] { check_rc_programs({}); }), "nothing thrown");
}

constexpr const char* kDockerPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

TEST(KilnEnvironment, DefaultsWhenNothingGiven) {
  EXPECT_EQ(environment_with_defaults({}), (Words{kDockerPath, "HOME=/"}));
}

TEST(KilnEnvironment, GivenFirstInOrderThenTheMissingDefaults) {
  EXPECT_EQ(environment_with_defaults({"TZ=UTC", "HOME=/root"}), (Words{"TZ=UTC", "HOME=/root", kDockerPath}));
  EXPECT_EQ(environment_with_defaults({"PATH=/opt/bin", "A=b"}), (Words{"PATH=/opt/bin", "A=b", "HOME=/"}));
}

TEST(KilnEnvironment, AnEmptyValueStillWins) {
  EXPECT_EQ(environment_with_defaults({"PATH=", "HOME="}), (Words{"PATH=", "HOME="}));
}

TEST(KilnEnvironment, OnlyTheWholeNameCounts) {
  // PATHX and HOMEDIR are other variables: the defaults still come.
  EXPECT_EQ(environment_with_defaults({"PATHX=1", "HOMEDIR=/h"}),
            (Words{"PATHX=1", "HOMEDIR=/h", kDockerPath, "HOME=/"}));
}

}  // namespace
}  // namespace kiln::cli
