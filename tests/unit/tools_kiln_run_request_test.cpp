// `kiln run`'s command line read into a RunRequest (tools/kiln/run_request.h):
// what each flag sets, IMAGE and its arguments, and the exact message of
// every malformed flag. The network and -b specs have tests of their own;
// here only that the flags reach them.
#include "run_request.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "tools_kiln_thrown.h"

namespace kiln::cli {
namespace {

using Words = std::vector<std::string>;

RunRequest parse(const Args& args) {
  std::optional<RunRequest> req = parse_run_request(args);
  if (!req) throw std::logic_error("parse_run_request saw -h");
  return std::move(*req);
}

std::string error_of(const Args& args) {
  return thrown([&] { parse_run_request(args); });
}

TEST(KilnRunRequest, Defaults) {
  RunRequest req = parse({"tcg", "x.img"});
  EXPECT_FALSE(req.dry_run);
  EXPECT_EQ(req.platform, "tcg");
  EXPECT_EQ(req.memory_mb, 64u);
  EXPECT_TRUE(req.env.empty());
  EXPECT_EQ(req.name, "");
  EXPECT_FALSE(req.interactive);
  EXPECT_FALSE(req.paused);
  EXPECT_EQ(req.gdb_port, 0u);
  EXPECT_TRUE(req.extra.empty());
  EXPECT_FALSE(req.verbose);
  EXPECT_EQ(req.image, "x.img");
  EXPECT_TRUE(req.args.empty());
  EXPECT_TRUE(req.rc.empty());
  EXPECT_TRUE(req.disk_specs.empty());
  EXPECT_EQ(req.instance, "");  // run.cpp's to choose
}

TEST(KilnRunRequest, EveryGuestFlag) {
  RunRequest req = parse({"-D", "tcg", "-M", "128", "-e", "TZ=UTC", "-e", "A=b c", "-N", "web-1", "-v", "-p",
                          "-i", "-d", "-D", "1234", "-g", "-device 'virtio-rng-device' -name \"a b\"", "-b",
                          "a.img,/data", "-b", "b.img,ro", "--", "x.img", "one", "two words", "-x"});
  EXPECT_TRUE(req.dry_run);
  EXPECT_EQ(req.platform, "tcg");
  EXPECT_EQ(req.memory_mb, 128u);
  EXPECT_EQ(req.env, (Words{"TZ=UTC", "A=b c"}));
  EXPECT_EQ(req.name, "web-1");
  EXPECT_TRUE(req.verbose);
  EXPECT_TRUE(req.paused);
  EXPECT_TRUE(req.interactive);
  EXPECT_EQ(req.gdb_port, 1234u);
  EXPECT_EQ(req.extra, (Words{"-device", "virtio-rng-device", "-name", "a b"}));
  // Kept as written: run.cpp opens the files.
  EXPECT_EQ(req.disk_specs, (Words{"a.img,/data", "b.img,ro"}));
  EXPECT_EQ(req.image, "x.img");
  EXPECT_EQ(req.args, (Words{"one", "two words", "-x"}));
}

TEST(KilnRunRequest, Syslog) {
  EXPECT_FALSE(parse({"tcg", "x.img"}).syslog);
  RunRequest req = parse({"tcg", "--syslog", "10.0.120.1:5140", "x.img"});
  ASSERT_TRUE(req.syslog);
  EXPECT_EQ(req.syslog->host, "10.0.120.1");
  EXPECT_EQ(req.syslog->port, 5140u);
  EXPECT_EQ(parse({"tcg", "--syslog=[fd00::1]", "x.img"}).syslog->host, "fd00::1");
  EXPECT_EQ(error_of({"tcg", "--syslog"}), "usage: run: option --syslog needs a value (see 'kiln help run')");
  EXPECT_EQ(error_of({"tcg", "--syslog", "h:0", "x.img"}),
            "usage: run: --syslog wants HOST[:PORT] (a name, an IPv4 address or [IPv6]), not 'h:0': "
            "the port is a number from 1 to 65535");
}

TEST(KilnRunRequest, LogSize) {
  EXPECT_EQ(parse({"tcg", "x.img"}).log_bytes, kDefaultLogBytes);
  EXPECT_EQ(parse({"tcg", "--log-size", "4096", "x.img"}).log_bytes, 4096u);
  EXPECT_EQ(parse({"tcg", "--log-size", "64K", "x.img"}).log_bytes, 65536u);
  EXPECT_EQ(parse({"tcg", "--log-size=4M", "x.img"}).log_bytes, 4u << 20);
  EXPECT_EQ(parse({"tcg", "--log-size", "1G", "x.img"}).log_bytes, 1u << 30);
  const std::string bad = "usage: run: --log-size wants a size of at least 4K (4096, 64K, 4M, 1G), not '";
  for (const char* size : {"4095", "3K", "", "K", "4T", "-1", "1.5M", "0x1000"})
    EXPECT_EQ(error_of({"tcg", "--log-size", size, "x.img"}), bad + size + "'") << size;
  EXPECT_EQ(error_of({"tcg", "-i", "--log-size", "1M", "x.img"}),
            "usage: run: --log-size is for guests in the background: with -i the console is kiln's output");
}

TEST(KilnRunRequest, LongDryRunAndBundledFlags) {
  RunRequest req = parse({"--dry-run", "kvm", "-dip", "-M64", "x.img"});
  EXPECT_TRUE(req.dry_run);
  EXPECT_EQ(req.platform, "kvm");
  EXPECT_TRUE(req.interactive && req.paused);
  EXPECT_EQ(req.memory_mb, 64u);
  EXPECT_EQ(parse({"qemu", "-M", "4", "x.img"}).memory_mb, 4u);
  EXPECT_EQ(parse({"qemu", "-M1048576", "x.img"}).memory_mb, 1048576u);
}

TEST(KilnRunRequest, ArgumentsAfterTheImage) {
  // Rumprun's "IMAGE -- ARGS" as well as "-- IMAGE ARGS".
  EXPECT_EQ(parse({"tcg", "x.img", "--", "--literal"}).args, (Words{"--literal"}));
  EXPECT_EQ(parse({"tcg", "--", "x.img", "--", "a"}).args, (Words{"--", "a"}));
  EXPECT_EQ(parse({"tcg", "x.img", "-v"}).args, (Words{"-v"}));
  EXPECT_FALSE(parse({"tcg", "x.img", "-v"}).verbose);
}

TEST(KilnRunRequest, HelpAnywhereBeforeTheImage) {
  EXPECT_FALSE(parse_run_request({"-h"}));
  EXPECT_FALSE(parse_run_request({"--help", "tcg"}));
  EXPECT_FALSE(parse_run_request({"qemu", "-v", "-h", "x.img"}));
  EXPECT_FALSE(parse_run_request({"qemu", "--help"}));
}

TEST(KilnRunRequest, PausedOrPortForward) {
  RunRequest req = parse({"tcg", "-ip8080:80", "-p", "-p", "127.0.0.1:1:2", "x.img"});
  EXPECT_TRUE(req.interactive && req.paused);
  req.net.finish("t");
  ASSERT_EQ(req.net.interfaces().size(), 1u);
  EXPECT_EQ(req.net.interfaces()[0].options, (Words{"hostfwd=tcp::8080-:80", "hostfwd=tcp:127.0.0.1:1-:2"}));

  // -p before IMAGE: paused; the image is not taken for a forward.
  RunRequest paused = parse({"tcg", "-p", "x.img"});
  EXPECT_TRUE(paused.paused);
  EXPECT_EQ(paused.image, "x.img");
  paused.net.finish("t");
  EXPECT_TRUE(paused.net.interfaces().empty());
}

TEST(KilnRunRequest, NetworkFlagsReachThePlanInOrder) {
  RunRequest req = parse({"tcg", "-W", "b,inet,dhcp", "-I", "a,tap,ifname=tap0", "-I", "b,user", "x.img"});
  req.net.finish("t");
  ASSERT_EQ(req.net.interfaces().size(), 2u);
  EXPECT_EQ(req.net.interfaces()[0].tag, "a");
  EXPECT_EQ(req.net.interfaces()[1].tag, "b");
  RunRequest legacy = parse({"tcg", "-n", "inet,dhcp", "x.img"});
  legacy.net.finish("t");
  ASSERT_EQ(legacy.net.interfaces().size(), 1u);
  EXPECT_EQ(legacy.net.interfaces()[0].tag, "net0");
}

TEST(KilnRunRequest, RcPrograms) {
  RunRequest req = parse({"tcg", "-r", "gen 3 |", "-r", "sink", "x.img"});
  ASSERT_EQ(req.rc.size(), 2u);
  EXPECT_EQ(req.rc[0].bin, "gen");
  EXPECT_EQ(req.rc[0].runmode, "|");
  EXPECT_EQ(req.rc[1].argv, (Words{"sink"}));
}

TEST(KilnRunRequest, PlatformErrors) {
  EXPECT_EQ(error_of({}), "usage: run: missing PLATFORM and IMAGE (see 'kiln help run')");
  EXPECT_EQ(error_of({"-D"}), "usage: run: missing PLATFORM and IMAGE (see 'kiln help run')");
  EXPECT_EQ(error_of({"vmware", "x.img"}),
            "usage: run: unknown platform 'vmware' (use qemu, kvm or tcg; see 'kiln help run')");
  for (const char* later : {"hvt", "xen", "iso", "ec2", "hvf"})
    EXPECT_EQ(error_of({later, "x.img"}),
              std::string("failure: run: platform '") + later + "' is not available yet; use qemu, kvm or tcg");
  // Before PLATFORM only the script's own flags.
  EXPECT_EQ(error_of({"-Z", "qemu", "x.img"}), "usage: run: unknown option -Z (see 'kiln help run')");
  EXPECT_EQ(error_of({"-M", "64", "qemu", "x.img"}), "usage: run: unknown option -M (see 'kiln help run')");
}

TEST(KilnRunRequest, FlagErrors) {
  const std::string memory = "usage: run: -M wants the memory in MiB, a number from 4 to 1048576, not '";
  EXPECT_EQ(error_of({"qemu", "-M", "lots", "x.img"}), memory + "lots'");
  EXPECT_EQ(error_of({"qemu", "-M", "3", "x.img"}), memory + "3'");
  EXPECT_EQ(error_of({"qemu", "-M", "1048577", "x.img"}), memory + "1048577'");
  EXPECT_EQ(error_of({"qemu", "-M", "-64", "x.img"}), memory + "-64'");
  EXPECT_EQ(error_of({"qemu", "-M", "", "x.img"}), memory + "'");
  EXPECT_EQ(error_of({"qemu", "-M"}), "usage: run: option -M needs a value (see 'kiln help run')");
  EXPECT_EQ(error_of({"qemu", "-e", "NOEQUALS", "x.img"}), "usage: run: -e wants VAR=VALUE, not 'NOEQUALS'");
  EXPECT_EQ(error_of({"qemu", "-e", "=x", "x.img"}), "usage: run: -e wants VAR=VALUE, not '=x'");
  const std::string gdb = "usage: run: -D wants a TCP port for gdb (1-65535), not '";
  EXPECT_EQ(error_of({"qemu", "-D", "99999", "x.img"}), gdb + "99999'");
  EXPECT_EQ(error_of({"qemu", "-D", "0", "x.img"}), gdb + "0'");
  const std::string name =
      "': use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')";
  EXPECT_EQ(error_of({"qemu", "-N", "bad/name", "x.img"}), "usage: run: bad instance name 'bad/name" + name);
  EXPECT_EQ(error_of({"qemu", "-N", ".hidden", "x.img"}), "usage: run: bad instance name '.hidden" + name);
  EXPECT_EQ(error_of({"qemu", "-N", std::string(65, 'a'), "x.img"}),
            "usage: run: bad instance name '" + std::string(65, 'a') + name);
  EXPECT_EQ(parse({"qemu", "-N", std::string(64, 'a'), "x.img"}).name, std::string(64, 'a'));
  EXPECT_EQ(error_of({"qemu", "-g", "'unterminated", "x.img"}), "usage: unterminated ' quote in ''unterminated'");
  EXPECT_EQ(error_of({"qemu", "-S", "x.img"}),
            "failure: run: -S (sudo) is not supported; run kiln itself with the rights QEMU needs");
  EXPECT_EQ(error_of({"qemu", "-Z", "x.img"}), "usage: run: unknown option -Z (see 'kiln help run')");
  EXPECT_EQ(error_of({"qemu"}), "usage: run: missing IMAGE (see 'kiln help run')");
  EXPECT_EQ(error_of({"qemu", "-v", "--"}), "usage: run: missing IMAGE (see 'kiln help run')");
}

TEST(KilnRunRequest, ErrorsFromTheSpecParsers) {
  EXPECT_EQ(error_of({"tcg", "-I", "net0", "x.img"}),
            "usage: run: -I net0: wants TAG,TYPE[,OPTIONS] (TYPE tap or user)");
  EXPECT_EQ(error_of({"tcg", "-W", ",inet,dhcp", "x.img"}),
            "usage: run: -W ,inet,dhcp: wants TAG,NETSPEC, the TAG of an -I");
  EXPECT_EQ(error_of({"tcg", "-n", "inet", "x.img"}),
            "usage: run: -n inet: wants inet,dhcp, inet,static,ADDR/MASK[,GW], inet6,auto or "
            "inet6,static,ADDR/PREFIX[,GW]");
  EXPECT_EQ(error_of({"tcg", "-p", "70000:80", "x.img"}), "usage: run: -p 70000:80: ports are 1-65535");
  EXPECT_EQ(error_of({"tcg", "-r", "", "x.img"}), "usage: run: -r wants 'PROGRAM [ARGS...] [&|]', not ''");
  // The first bad flag is the one reported.
  EXPECT_EQ(error_of({"tcg", "-e", "X", "-M", "1", "x.img"}), "usage: run: -e wants VAR=VALUE, not 'X'");
}

TEST(KilnRunRequest, RcErrorsOnceTheImageIsKnown) {
  EXPECT_EQ(error_of({"tcg", "-r", "gen |", "x.img"}),
            "usage: run: the last -r program ('gen') has nothing to pipe into");
  EXPECT_EQ(error_of({"tcg", "-r", "a", "x.img", "arg"}),
            "usage: run: with -r, each program's arguments go in its -r, not after the image");
  Args many = {"tcg"};
  for (int i = 0; i < 17; ++i) many.insert(many.end(), {"-r", "a &"});
  many.push_back("x.img");
  EXPECT_EQ(error_of(many), "usage: run: at most 16 programs (-r)");
}

}  // namespace
}  // namespace kiln::cli
