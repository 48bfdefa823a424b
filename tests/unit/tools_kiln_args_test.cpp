// The launcher's getopt-style parser (tools/kiln/args.h), on a table of its
// own: bundles, attached and following values, long forms, where parsing
// stops, a flag with an optional value, and every error message.
#include "args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools_kiln_thrown.h"

namespace kiln::cli {
namespace {

constexpr char kLongOnly = 1;  // a private key: no short form

bool is_number(std::string_view word) { return !word.empty() && word.find_first_not_of("0123456789") == word.npos; }

constexpr OptionSpec kSpecs[] = {
    {'v', "verbose", false},
    {'M', "memory", true},
    {'d', "", false},
    {kLongOnly, "dry-run", false},
    {'p', "", false, is_number},
};

struct Parsed {
  std::vector<std::string> options;  // "SPELLED=VALUE", or "SPELLED" without one
  size_t pos = 0;
  bool saw_double_dash = false;
};

Parsed parse(const std::vector<std::string>& args) {
  Parsed out;
  OptionParse result = parse_options(args, out.pos, kSpecs, "run");
  for (const auto& o : result.options) {
    std::string key(1, o.key == kLongOnly ? '*' : o.key);
    out.options.push_back(key + " " + o.spelled + (o.value.empty() ? "" : "=" + o.value));
  }
  out.saw_double_dash = result.saw_double_dash;
  return out;
}

using Words = std::vector<std::string>;

TEST(KilnArgs, BundledFlagsAndAttachedValues) {
  Parsed p = parse({"-dv", "-M64", "-vM", "128", "image"});
  EXPECT_EQ(p.options, (Words{"d -d", "v -v", "M -M=64", "v -v", "M -M=128"}));
  EXPECT_EQ(p.pos, 4u);
  EXPECT_FALSE(p.saw_double_dash);
}

TEST(KilnArgs, LongForms) {
  Parsed p = parse({"--memory=32", "--memory", "48", "--verbose", "--dry-run", "x"});
  EXPECT_EQ(p.options, (Words{"M --memory=32", "M --memory=48", "v --verbose", "* --dry-run"}));
  EXPECT_EQ(p.pos, 5u);
}

TEST(KilnArgs, AValueMayLookLikeAnOption) {
  EXPECT_EQ(parse({"-M", "-v"}).options, (Words{"M -M=-v"}));
  EXPECT_EQ(parse({"--memory", "--verbose"}).options, (Words{"M --memory=--verbose"}));
}

TEST(KilnArgs, StopsAtTheFirstWordThatIsNoOption) {
  Parsed p = parse({"-v", "image", "-d"});
  EXPECT_EQ(p.options, (Words{"v -v"}));
  EXPECT_EQ(p.pos, 1u);
  // "-" alone is a word, as in "cat -".
  EXPECT_EQ(parse({"-", "-v"}).pos, 0u);
  EXPECT_EQ(parse({}).pos, 0u);
}

TEST(KilnArgs, StopsAfterDoubleDash) {
  Parsed p = parse({"-d", "--", "-v"});
  EXPECT_EQ(p.options, (Words{"d -d"}));
  EXPECT_EQ(p.pos, 2u);
  EXPECT_TRUE(p.saw_double_dash);
}

TEST(KilnArgs, OptionalValueTakenOnlyWhenItPassesTheTest) {
  EXPECT_EQ(parse({"-p", "8080", "x"}).options, (Words{"p -p=8080"}));
  EXPECT_EQ(parse({"-p8080"}).options, (Words{"p -p=8080"}));
  Parsed alone = parse({"-p", "image"});
  EXPECT_EQ(alone.options, (Words{"p -p"}));
  EXPECT_EQ(alone.pos, 1u);
  // Not a value: the rest of the word is more bundled flags.
  EXPECT_EQ(parse({"-pv"}).options, (Words{"p -p", "v -v"}));
  EXPECT_EQ(parse({"-dp80"}).options, (Words{"d -d", "p -p=80"}));
  // Bundled but not last, -p does not reach for the next word.
  EXPECT_EQ(parse({"-pd", "80"}).options, (Words{"p -p", "d -d"}));
}

TEST(KilnArgs, Errors) {
  EXPECT_EQ(thrown([] { parse({"-Z"}); }), "usage: run: unknown option -Z (see 'kiln help run')");
  EXPECT_EQ(thrown([] { parse({"-vZ"}); }), "usage: run: unknown option -Z (see 'kiln help run')");
  EXPECT_EQ(thrown([] { parse({"--nope=1"}); }), "usage: run: unknown option --nope (see 'kiln help run')");
  EXPECT_EQ(thrown([] { parse({"-M"}); }), "usage: run: option -M needs a value (see 'kiln help run')");
  EXPECT_EQ(thrown([] { parse({"-dM"}); }), "usage: run: option -M needs a value (see 'kiln help run')");
  EXPECT_EQ(thrown([] { parse({"--memory"}); }),
            "usage: run: option --memory needs a value (see 'kiln help run')");
  EXPECT_EQ(thrown([] { parse({"--verbose=yes"}); }), "usage: run: option --verbose takes no value");
  // A private key has no short spelling.
  EXPECT_EQ(thrown([] { parse({std::string("-") + kLongOnly}); }),
            "usage: run: unknown option -\x01 (see 'kiln help run')");
}

}  // namespace
}  // namespace kiln::cli
