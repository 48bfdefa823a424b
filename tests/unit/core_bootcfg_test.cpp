// The launcher's JSON boot configuration, and Rumprun-style command lines.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/bootcfg.h"

namespace kiln {
namespace {

std::vector<void*> g_allocs;
void* track(size_t n) {
  void* p = malloc(n);
  g_allocs.push_back(p);
  return p;
}

struct Parsed {
  BootConfig cfg;
  const char* error = "";  // before `ok`: the parse in ok's initializer sets it
  bool ok;
  explicit Parsed(const std::string& s) : ok(parse_boot_config(s.data(), s.size(), &cfg, track, &error)) {}
  ~Parsed() {
    for (void* p : g_allocs) free(p);
    g_allocs.clear();
  }
};

TEST(BootConfig, TheLauncherShape) {
  Parsed p(R"({"args":["-l","-p 3333"],"env":["A=1","TZ=UTC"],"hostname":"web","time":1790000000123456789,"verbose":true})");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.cfg.nargs, 2u);
  EXPECT_STREQ(p.cfg.args[1], "-p 3333");
  EXPECT_FALSE(p.cfg.has_argv0);
  ASSERT_EQ(p.cfg.nenv, 2u);
  EXPECT_STREQ(p.cfg.env[1], "TZ=UTC");
  EXPECT_STREQ(p.cfg.hostname, "web");
  EXPECT_EQ(p.cfg.time_ns, 1790000000123456789);
  EXPECT_TRUE(p.cfg.verbose);
  EXPECT_FALSE(p.cfg.probe);
}

TEST(BootConfig, RumprunCmdlineAndSingleEnv) {
  Parsed p(R"(garbage first {"cmdline":"nginx -c '/data/a b.conf' x\\ y \"q\\\"d\"","env":"TZ=UTC",})");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.cfg.has_argv0);
  ASSERT_EQ(p.cfg.nargs, 5u);
  EXPECT_STREQ(p.cfg.args[0], "nginx");
  EXPECT_STREQ(p.cfg.args[2], "/data/a b.conf");
  EXPECT_STREQ(p.cfg.args[3], "x y");
  EXPECT_STREQ(p.cfg.args[4], "q\"d");
  ASSERT_EQ(p.cfg.nenv, 1u);
}

TEST(BootConfig, UnknownKeysAreCollectedNotFatal) {
  Parsed p(R"({"net":[],"colour":"blue","probe":true})");
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(p.cfg.probe);
  EXPECT_EQ(p.cfg.nunknown, 2u);
  EXPECT_STREQ(p.cfg.unknown[0], "net");
}

TEST(BootConfig, SelfTest) {
  Parsed p(R"({"selftest":true})");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.cfg.selftest);
  Parsed bad(R"({"selftest":"yes"})");
  EXPECT_FALSE(bad.ok);
}

TEST(BootConfig, BlockDevices) {
  Parsed p(R"({"blk":[{"dev":"vda","path":"/dev/vda","fstype":"iso9660","ro":true,"mountpoint":"/data"},
                      {"dev":"vdb","path":"/dev/vdb","fstype":"raw","ro":false}]})");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.cfg.nblk, 2u);
  EXPECT_STREQ(p.cfg.blk[0].dev, "vda");
  EXPECT_STREQ(p.cfg.blk[0].mountpoint, "/data");
  EXPECT_STREQ(p.cfg.blk[0].fstype, "iso9660");
  EXPECT_TRUE(p.cfg.blk[0].read_only);
  EXPECT_EQ(p.cfg.blk[1].mountpoint, nullptr);
  EXPECT_FALSE(p.cfg.blk[1].read_only);
  Parsed bad(R"({"blk":[{"dev":"vda"}]})");
  EXPECT_FALSE(bad.ok);
}

TEST(BootConfig, BadValuesAreErrors) {
  for (const char* bad : {R"({"args":[1]})", R"({"args":"x"})", R"({"hostname":5})",
                          R"({"time":"now"})", R"({"verbose":1})", R"({"args":["a")", "no json"}) {
    Parsed p(bad);
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_GT(strlen(p.error), 0u) << bad;
  }
  Parsed empty("");
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.cfg.nargs, 0u);
}

}  // namespace
}  // namespace kiln
