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
  Parsed p(R"({"sound":[],"colour":"blue","probe":true})");
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(p.cfg.probe);
  EXPECT_EQ(p.cfg.nunknown, 2u);
  EXPECT_STREQ(p.cfg.unknown[0], "sound");
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

TEST(BootConfig, NetworkEntries) {
  Parsed p(R"({"net":[{"if":"eth0","mac":"52:54:00:12:34:56","type":"inet","method":"static",
                      "addr":"10.0.120.120","mask":"24","gw":"10.0.120.1"},
                     {"if":"eth1","type":"inet","method":"dhcp"}]})");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.cfg.nnet, 2u);
  EXPECT_STREQ(p.cfg.net[0].ifname, "eth0");
  EXPECT_STREQ(p.cfg.net[0].addr, "10.0.120.120");
  EXPECT_EQ(p.cfg.net[0].prefix, 24);
  EXPECT_STREQ(p.cfg.net[0].gw, "10.0.120.1");
  EXPECT_STREQ(p.cfg.net[1].method, "dhcp");
  EXPECT_EQ(p.cfg.net[1].prefix, -1);
  EXPECT_EQ(p.cfg.net[1].addr, nullptr);
  Parsed v6(R"({"net":[{"if":"eth0","type":"inet6","method":"static","addr":"fd00::1","mask":"128"}]})");
  ASSERT_TRUE(v6.ok) << v6.error;
  EXPECT_EQ(v6.cfg.net[0].prefix, 128);
  for (const char* bad : {R"({"net":{}})", R"({"net":[{"if":"eth0","type":"inet"}]})",
                          R"({"net":[{"if":"eth0","type":"inet","method":"static","mask":""}]})",
                          R"({"net":[{"if":"eth0","type":"inet","method":"static","mask":"129"}]})",
                          R"({"net":[{"if":"eth0","type":"inet","method":"static","mask":"1290"}]})",
                          R"({"net":[{"if":"eth0","type":"inet","method":"static","mask":"2x"}]})",
                          R"({"net":[{"if":5,"type":"inet","method":"dhcp"}]})"}) {
    Parsed q(bad);
    EXPECT_FALSE(q.ok) << bad;
    EXPECT_GT(strlen(q.error), 0u) << bad;
  }
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

TEST(BootConfig, Syslog) {
  Parsed p(R"({"syslog":{"addr":"10.0.120.1","port":5140,"hostname":"web-1"}})");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_STREQ(p.cfg.syslog.addr, "10.0.120.1");
  EXPECT_EQ(p.cfg.syslog.port, 5140);
  EXPECT_STREQ(p.cfg.syslog.hostname, "web-1");
  Parsed defaults(R"({"syslog":{"addr":"fd00::1"}})");
  ASSERT_TRUE(defaults.ok) << defaults.error;
  EXPECT_EQ(defaults.cfg.syslog.port, 514);
  EXPECT_EQ(defaults.cfg.syslog.hostname, nullptr);
  Parsed none("{}");
  EXPECT_EQ(none.cfg.syslog.addr, nullptr);
  for (const char* bad : {R"({"syslog":"10.0.120.1"})", R"({"syslog":{}})", R"({"syslog":{"addr":1}})",
                          R"({"syslog":{"addr":"a","port":0}})", R"({"syslog":{"addr":"a","port":65536}})",
                          R"({"syslog":{"addr":"a","port":"514"}})", R"({"syslog":{"addr":"a","hostname":2}})",
                          R"({"syslog":{"addr":"a\u0000"}})"}) {
    Parsed q(bad);
    EXPECT_FALSE(q.ok) << bad;
    EXPECT_GT(strlen(q.error), 0u) << bad;
  }
}

TEST(BootConfig, RcPrograms) {
  Parsed p(R"({"rc":[{"bin":"gen","argv":["gen","3"],"runmode":"|"},)"
           R"({"bin":"sink","argv":["sink"]},{"bin":"/bin/srv","argv":["srv","-p","80"],"runmode":"&"}]})");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.cfg.nrc, 3u);
  EXPECT_STREQ(p.cfg.rc[0].bin, "gen");
  ASSERT_EQ(p.cfg.rc[0].argc, 2u);
  EXPECT_STREQ(p.cfg.rc[0].argv[1], "3");
  EXPECT_EQ(p.cfg.rc[0].argv[2], nullptr);
  EXPECT_EQ(p.cfg.rc[0].runmode, '|');
  EXPECT_EQ(p.cfg.rc[1].runmode, 0);
  EXPECT_STREQ(p.cfg.rc[2].bin, "/bin/srv");
  EXPECT_EQ(p.cfg.rc[2].argc, 3u);
  EXPECT_EQ(p.cfg.rc[2].runmode, '&');
}

TEST(BootConfig, BadRcEntriesAreErrors) {
  for (const char* bad : {R"({"rc":{}})", R"({"rc":[{"argv":["a"]}]})", R"({"rc":[{"bin":"a"}]})",
                          R"({"rc":[{"bin":"a","argv":[]}]})", R"({"rc":[{"bin":"a","argv":[1]}]})",
                          R"({"rc":[{"bin":"a","argv":["a"],"runmode":";"}]})",
                          R"({"rc":[{"bin":"a","argv":["a"],"runmode":"&&"}]})",
                          R"({"rc":[{"bin":"a","argv":["a"],"runmode":3}]})",
                          R"({"rc":[{"bin":"a","argv":["a"]},{"bin":"b","argv":["b"],"runmode":"|"}]})"}) {
    Parsed p(bad);
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_GT(strlen(p.error), 0u) << bad;
  }
  std::string many = R"({"rc":[)";
  for (int i = 0; i < 17; i++) many += std::string(i ? "," : "") + R"({"bin":"a","argv":["a"]})";
  Parsed p(many + "]}");
  EXPECT_FALSE(p.ok);
}

// --- split_cmdline on its own, more keys, limits and failures.

std::vector<std::string> split(const char* line, int max = 64, int* n_out = nullptr) {
  char* words[64];
  int n = split_cmdline(line, words, max, track);
  if (n_out) *n_out = n;
  std::vector<std::string> v;
  for (int i = 0; i < n; i++) v.push_back(words[i]);
  for (void* p : g_allocs) free(p);
  g_allocs.clear();
  return v;
}
using Words = std::vector<std::string>;

TEST(SplitCmdline, Blanks) {
  EXPECT_EQ(split(""), Words{});
  EXPECT_EQ(split(" \t\n "), Words{});
  EXPECT_EQ(split("a"), Words{"a"});
  EXPECT_EQ(split("  a\tb\n\nc  "), (Words{"a", "b", "c"}));
}

TEST(SplitCmdline, Quoting) {
  EXPECT_EQ(split("'a b' \"c d\""), (Words{"a b", "c d"}));
  EXPECT_EQ(split("a'b c'\"d\"e"), Words{"ab cde"}) << "quoted parts join their word";
  EXPECT_EQ(split("'' \"\" x"), (Words{"", "", "x"})) << "empty quotes are empty words";
  EXPECT_EQ(split(R"('a\b')"), Words{R"(a\b)"}) << "no escapes inside single quotes";
  EXPECT_EQ(split(R"("a\"b\\c")"), Words{R"(a"b\c)"});
  EXPECT_EQ(split(R"("it's")"), Words{"it's"});
  EXPECT_EQ(split(R"('say "hi"')"), Words{R"(say "hi")"});
  EXPECT_EQ(split(R"(a\ b c\'d)"), (Words{"a b", "c'd"}));
  EXPECT_EQ(split(R"(a\\b)"), Words{R"(a\b)"});
  EXPECT_EQ(split(R"(end\)"), Words{R"(end\)"}) << "a trailing backslash stays";
  EXPECT_EQ(split("'open quote"), Words{"open quote"}) << "an open quote runs to the end";
  EXPECT_EQ(split("\"tab\there\""), Words{"tab\there"});
}

TEST(SplitCmdline, Limits) {
  int n;
  EXPECT_EQ(split("a b c", 3, &n).size(), 3u);
  EXPECT_EQ(n, 3);
  split("a b c d", 3, &n);
  EXPECT_EQ(n, -1) << "more words than room";
  split("a b c   ", 3, &n);
  EXPECT_EQ(n, 3) << "trailing blanks are not a word";
  char* words[2];
  EXPECT_EQ(split_cmdline("a b", words, 2, [](size_t) -> void* { return nullptr; }), -1)
      << "out of memory";
}

TEST(BootConfig, EnvAsAnArrayAndAsOneString) {
  Parsed a(R"({"env":["A=1","B=2","C="]})");
  ASSERT_TRUE(a.ok) << a.error;
  ASSERT_EQ(a.cfg.nenv, 3u);
  EXPECT_STREQ(a.cfg.env[2], "C=");
  Parsed b(R"({"env":"ONLY=1"})");
  ASSERT_TRUE(b.ok) << b.error;
  ASSERT_EQ(b.cfg.nenv, 1u);
  EXPECT_STREQ(b.cfg.env[0], "ONLY=1");
  for (const char* bad : {R"({"env":5})", R"({"env":[1]})", R"({"env":{"A":"1"}})"}) {
    Parsed p(bad);
    EXPECT_FALSE(p.ok) << bad;
  }
}

TEST(BootConfig, StringsAreDecoded) {
  Parsed p(R"({"hostname":"h\u00e9\tx","args":["a\"b","\\n","\u0041"]})");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_STREQ(p.cfg.hostname, "h\xc3\xa9\tx");
  EXPECT_STREQ(p.cfg.args[0], "a\"b");
  EXPECT_STREQ(p.cfg.args[1], "\\n");
  EXPECT_STREQ(p.cfg.args[2], "A");
}

TEST(BootConfig, Time) {
  Parsed neg(R"({"time":-5})");
  ASSERT_TRUE(neg.ok) << neg.error;
  EXPECT_EQ(neg.cfg.time_ns, -5);
  Parsed max(R"({"time":9223372036854775807})");
  ASSERT_TRUE(max.ok);
  EXPECT_EQ(max.cfg.time_ns, INT64_MAX);
  for (const char* bad : {R"({"time":9223372036854775808})", R"({"time":1.5})",
                          R"({"time":1e9})", R"({"time":true})"}) {
    Parsed p(bad);
    EXPECT_FALSE(p.ok) << bad;
  }
}

TEST(BootConfig, EmptyAndDefaults) {
  Parsed p("{}");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.cfg.nargs, 0u);
  EXPECT_EQ(p.cfg.nenv, 0u);
  EXPECT_EQ(p.cfg.hostname, nullptr);
  EXPECT_EQ(p.cfg.time_ns, 0);
  EXPECT_FALSE(p.cfg.verbose);
  EXPECT_FALSE(p.cfg.probe);
  EXPECT_FALSE(p.cfg.has_argv0);
  Parsed off(R"({"verbose":false,"probe":false,"args":[]})");
  ASSERT_TRUE(off.ok);
  EXPECT_FALSE(off.cfg.verbose);
  EXPECT_EQ(off.cfg.nargs, 0u);
}

TEST(BootConfig, EmptyCmdlineHasNoArgv0) {
  Parsed p(R"({"cmdline":"   "})");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.cfg.nargs, 0u);
  EXPECT_FALSE(p.cfg.has_argv0);
  Parsed bad(R"({"cmdline":["a"]})");
  EXPECT_FALSE(bad.ok);
}

TEST(BootConfig, TheLastOfRepeatedKeysWins) {
  Parsed p(R"({"hostname":"a","hostname":"b","args":["x","y"],"cmdline":"prog z"})");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_STREQ(p.cfg.hostname, "b");
  EXPECT_TRUE(p.cfg.has_argv0);
  ASSERT_EQ(p.cfg.nargs, 2u);
  EXPECT_STREQ(p.cfg.args[0], "prog");
}

TEST(BootConfig, ManyUnknownKeysAreCountedUpToTheLimit) {
  std::string text = "{";
  for (int i = 0; i < 12; i++) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += "\"verbose\":true}";
  Parsed p(text);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.cfg.nunknown, BootConfig::kMaxUnknown);
  EXPECT_STREQ(p.cfg.unknown[7], "k7");
  EXPECT_TRUE(p.cfg.verbose) << "keys after the unknown ones still count";
}

std::string args_array(size_t n) {
  std::string text = R"({"args":[)";
  for (size_t i = 0; i < n; i++) text += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  return text + "]}";
}

TEST(BootConfig, ArgumentLimits) {
  Parsed full(args_array(BootConfig::kMaxArgs));
  ASSERT_TRUE(full.ok) << full.error;
  EXPECT_EQ(full.cfg.nargs, BootConfig::kMaxArgs);
  EXPECT_STREQ(full.cfg.args[255], "255");
  Parsed over(args_array(BootConfig::kMaxArgs + 1));
  EXPECT_FALSE(over.ok);
  EXPECT_STREQ(over.error, "too many entries");
  std::string words;
  for (size_t i = 0; i <= BootConfig::kMaxArgs; i++) words += "w ";
  Parsed cmd(R"({"cmdline":")" + words + R"("})");
  EXPECT_FALSE(cmd.ok);
  EXPECT_STREQ(cmd.error, "too many words in \"cmdline\"");
}

TEST(BootConfig, TooManyTokensIsAnError) {
  std::string text = R"({"unused":[)";
  for (int i = 0; i < 2000; i++) text += i ? ",0" : "0";
  text += "]}";
  Parsed p(text);
  EXPECT_FALSE(p.ok);
  EXPECT_GT(strlen(p.error), 0u);
}

TEST(BootConfig, RootMustBeAnObject) {
  for (const char* bad : {"[1,2]", "{", R"({"args":})", R"({"args" ["a"]})"}) {
    Parsed p(bad);
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_GT(strlen(p.error), 0u) << bad;
  }
}

// An allocator that fails after `budget` calls.
int g_budget;
void* limited(size_t n) { return g_budget-- > 0 ? track(n) : nullptr; }

TEST(BootConfig, RunningOutOfMemoryFailsTheParse) {
  const std::string text =
      R"({"zzz":1,"args":["a","b"],"env":["E=1"],"hostname":"h","cmdline":"x y","blk":[{"dev":"vda","fstype":"raw"}]})";
  // Every allocation in turn fails (and all after it): the parse must fail,
  // without crashing, until there is enough.
  for (int budget = 0;; budget++) {
    ASSERT_LT(budget, 100);
    BootConfig cfg;
    const char* error = "";
    g_budget = budget;
    bool ok = parse_boot_config(text.data(), text.size(), &cfg, limited, &error);
    for (void* p : g_allocs) free(p);
    g_allocs.clear();
    if (ok) {
      EXPECT_EQ(budget, 11) << "tokens, one key, two args, env, hostname, cmdline and its two words, dev, fstype";
      break;
    }
  }
}

}  // namespace
}  // namespace kiln
