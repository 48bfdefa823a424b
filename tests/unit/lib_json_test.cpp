// The JSON parser: the boot configuration's and the manifest's reader.
#include "lib/json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiln::json {
namespace {

// Values point into the text, so the text lives as long as the document.
struct Parsed {
  std::string text;
  std::vector<Token> tokens;
  Document doc;
  Error error;
  explicit Parsed(std::string t, size_t capacity = 256)
      : text(std::move(t)), tokens(capacity),
        error(doc.parse(text.data(), text.size(), tokens.data(), capacity)) {}
  Value root() const { return doc.root(); }
};

std::string str(const Value& v) {
  char buf[256];
  EXPECT_TRUE(v.copy_string(buf, sizeof buf));
  return buf;
}

TEST(Json, ObjectMembersArraysAndScalars) {
  Parsed p(R"({"args":["a","b c"],"n":-12,"u":18446744073709551615,"t":true,"f":false,"z":null})");
  ASSERT_EQ(p.error, Error::None);
  Value root = p.root();
  EXPECT_TRUE(root.is_object());
  EXPECT_EQ(root.size(), 6u);
  Value args = root.get("args");
  ASSERT_TRUE(args.is_array());
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(str(args.at(0)), "a");
  EXPECT_EQ(str(args.at(1)), "b c");
  EXPECT_FALSE(args.at(2).valid());
  int64_t n;
  ASSERT_TRUE(root.get("n").as_int(&n));
  EXPECT_EQ(n, -12);
  uint64_t u;
  ASSERT_TRUE(root.get("u").as_uint(&u));
  EXPECT_EQ(u, UINT64_MAX);
  bool b;
  ASSERT_TRUE(root.get("t").as_bool(&b));
  EXPECT_TRUE(b);
  ASSERT_TRUE(root.get("f").as_bool(&b));
  EXPECT_FALSE(b);
  EXPECT_TRUE(root.get("z").is_null());
  EXPECT_FALSE(root.get("missing").valid());
  EXPECT_FALSE(root.get("missing").is_null());
  EXPECT_TRUE(root.key_at(0).equals("args"));
  EXPECT_TRUE(root.at(1).is_number());
  EXPECT_FALSE(root.key_at(6).valid());
}

// The boot configuration of docs/internals.md, navigated as the kernel does.
TEST(Json, NestedNavigation) {
  Parsed p(R"({"hostname":"web","time":1795392025786604793,
 "net":[{"if":"eth0","tag":"net0","mac":"52:54:00:bc:d7:2c","type":"inet","method":"static",
         "addr":"10.0.120.120","mask":"24","gw":"10.0.120.1"},
        {"if":"eth0","tag":"net0","mac":"52:54:00:bc:d7:2c","type":"inet6","method":"auto"}],
 "blk":[{"dev":"vda","serial":"kiln-vda","path":"/dev/vda","mountpoint":"/data","fstype":"iso9660","ro":true},
        {"dev":"vdc","serial":"kiln-vdc","path":"/dev/vdc","fstype":"raw","ro":false}]})");
  ASSERT_EQ(p.error, Error::None);
  Value net = p.root().get("net");
  ASSERT_EQ(net.size(), 2u);
  EXPECT_EQ(str(net.at(0).get("gw")), "10.0.120.1");
  EXPECT_EQ(net.at(1).size(), 5u);
  EXPECT_FALSE(net.at(1).get("gw").valid());
  Value blk = p.root().get("blk");
  bool ro = false;
  ASSERT_TRUE(blk.at(0).get("ro").as_bool(&ro));
  EXPECT_TRUE(ro);
  EXPECT_EQ(str(blk.at(1).key_at(3)), "fstype");
  EXPECT_EQ(str(blk.at(1).at(3)), "raw");
  int64_t t;
  ASSERT_TRUE(p.root().get("time").as_int(&t));
  EXPECT_EQ(t, 1795392025786604793);
  EXPECT_EQ(str(p.root().key_at(3)), "blk");  // keys after nested containers
}

TEST(Json, TokensDescribeTheTree) {
  Parsed p(R"({"a":[1,{"b":2}],"c":3})");
  ASSERT_EQ(p.error, Error::None);
  // { "a" [ 1 { "b" 2 } ] "c" 3 } -> 9 tokens in document order.
  const Token* t = p.tokens.data();
  EXPECT_EQ(t[0].type, Type::Object);
  EXPECT_EQ(t[0].size, 2u);
  EXPECT_EQ(t[0].next, 9u);
  EXPECT_EQ(t[0].start, 0u);
  EXPECT_EQ(t[0].end, p.text.size());
  EXPECT_EQ(t[1].type, Type::String);
  EXPECT_EQ(p.text.substr(t[1].start, t[1].end - t[1].start), "a");
  EXPECT_EQ(t[2].type, Type::Array);
  EXPECT_EQ(t[2].size, 2u);
  EXPECT_EQ(t[2].next, 7u);
  EXPECT_EQ(t[4].type, Type::Object);
  EXPECT_EQ(t[4].size, 1u);
  EXPECT_EQ(t[4].next, 7u);
  EXPECT_EQ(p.text.substr(t[4].start, t[4].end - t[4].start), R"({"b":2})");
  EXPECT_EQ(t[8].type, Type::Number);
  EXPECT_EQ(t[8].next, 9u);
}

TEST(Json, DuplicateKeysFindTheFirst) {
  Parsed p(R"({"a":1,"a":2})");
  int64_t v;
  ASSERT_TRUE(p.root().get("a").as_int(&v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(p.root().at(1).as_int(&v));
  EXPECT_EQ(v, 2);
}

TEST(Json, IntegerLimits) {
  Parsed p(R"({"a":[9223372036854775807,-9223372036854775808,9223372036854775808,
    18446744073709551616,-9223372036854775809,1.5,1e3,-0,0,"1",true,-18446744073709551615]})");
  ASSERT_EQ(p.error, Error::None);
  Value a = p.root().get("a");
  int64_t i = 7;
  uint64_t u = 7;
  ASSERT_TRUE(a.at(0).as_int(&i));
  EXPECT_EQ(i, INT64_MAX);
  ASSERT_TRUE(a.at(1).as_int(&i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(a.at(1).as_uint(&u));
  EXPECT_FALSE(a.at(2).as_int(&i));
  ASSERT_TRUE(a.at(2).as_uint(&u));
  EXPECT_EQ(u, 9223372036854775808u);
  EXPECT_FALSE(a.at(3).as_uint(&u));
  EXPECT_FALSE(a.at(3).as_int(&i));
  EXPECT_FALSE(a.at(4).as_int(&i));
  EXPECT_FALSE(a.at(5).as_int(&i));  // not integers
  EXPECT_FALSE(a.at(6).as_int(&i));
  EXPECT_FALSE(a.at(6).as_uint(&u));
  ASSERT_TRUE(a.at(7).as_int(&i));
  EXPECT_EQ(i, 0);
  ASSERT_TRUE(a.at(7).as_uint(&u)) << "-0 is zero";
  EXPECT_EQ(u, 0u);
  ASSERT_TRUE(a.at(8).as_uint(&u));
  EXPECT_EQ(u, 0u);
  EXPECT_FALSE(a.at(9).as_int(&i));  // a string
  EXPECT_FALSE(a.at(10).as_int(&i));
  EXPECT_FALSE(a.at(11).as_int(&i));
  bool b;
  EXPECT_FALSE(a.at(0).as_bool(&b));
  EXPECT_EQ(i, 0) << "failed conversions leave the output alone";
}

TEST(Json, ValidNumbers) {
  for (const char* n : {"0", "-0", "1", "-1", "0.5", "-0.5", "1e5", "1E5", "1e+5", "1e-5",
                        "1.25e-300", "123456789012345678901234567890", "0e0"}) {
    Parsed p(std::string("{\"n\":") + n + "}");
    ASSERT_EQ(p.error, Error::None) << n;
    EXPECT_TRUE(p.root().get("n").is_number()) << n;
  }
}

TEST(Json, InvalidNumbers) {
  for (const char* n : {"+1", ".5", "01", "-01", "1.", "1.e5", "1e", "1e+", "--1", "0x10",
                        "1.5.2", "-", "Infinity", "NaN", "1e5e5", "- 1"}) {
    Parsed p(std::string("{\"n\":") + n + "}");
    EXPECT_EQ(p.error, Error::Syntax) << n;
  }
}

TEST(Json, EscapesDecodeToUtf8) {
  Parsed p(R"({"s":"q\"b\\s\/n\nt\tr\rb\bf\fu\u00e9\u20ac\ud83d\ude00x\u0041"})");
  ASSERT_EQ(p.error, Error::None);
  Value s = p.root().get("s");
  std::string want = "q\"b\\s/n\nt\tr\rb\bf\fu\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80xA";
  EXPECT_EQ(str(s), want);
  EXPECT_EQ(s.string_length(), want.size());
  EXPECT_TRUE(s.equals(want.c_str()));
  EXPECT_FALSE(s.equals("q"));
  EXPECT_FALSE(s.equals((want + "!").c_str()));
}

TEST(Json, UnpairedSurrogatesBecomeReplacementCharacters) {
  const char* fffd = "\xef\xbf\xbd";
  Parsed p(R"({"a":["\ud800","\udc00x","\ud800\u0041","\ud800\ud800\udc00","\udbff\udfff"]})");
  ASSERT_EQ(p.error, Error::None);
  Value a = p.root().get("a");
  EXPECT_EQ(str(a.at(0)), fffd);
  EXPECT_EQ(str(a.at(1)), std::string(fffd) + "x");
  EXPECT_EQ(str(a.at(2)), std::string(fffd) + "A");
  EXPECT_EQ(str(a.at(3)), std::string(fffd) + "\xf0\x90\x80\x80");
  EXPECT_EQ(str(a.at(4)), "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

TEST(Json, RawUtf8MustBeWellFormed) {
  Parsed ok("{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"}");
  ASSERT_EQ(ok.error, Error::None);
  EXPECT_EQ(ok.root().get("s").string_length(), 13u);
  for (const char* bad : {"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
                          "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
                          "\xc3\x28", "\xe2\x28\xa1"}) {
    Parsed p(std::string("{\"s\":\"") + bad + "\"}");
    EXPECT_EQ(p.error, Error::Syntax) << testing::PrintToString(bad);
  }
  EXPECT_EQ(Parsed("{\"s\":\"\xe2\x82").error, Error::Truncated);
}

TEST(Json, EscapedNulIsNoCString) {
  Parsed p(R"({"s":"a\u0000b"})");
  ASSERT_EQ(p.error, Error::None);
  Value s = p.root().get("s");
  EXPECT_EQ(s.string_length(), 3u);
  char buf[8];
  size_t len = 0;
  EXPECT_FALSE(s.copy_string(buf, sizeof buf, &len));
  EXPECT_EQ(len, 3u);
  EXPECT_FALSE(s.equals("a"));
}

TEST(Json, CopyStringReportsTruncation) {
  Parsed p(R"({"s":"abcdef","e":""})");
  char buf[4];
  size_t len = 0;
  EXPECT_FALSE(p.root().get("s").copy_string(buf, sizeof buf, &len));
  EXPECT_STREQ(buf, "abc");
  EXPECT_EQ(len, 6u);
  char exact[7];
  EXPECT_TRUE(p.root().get("s").copy_string(exact, sizeof exact, &len));
  EXPECT_STREQ(exact, "abcdef");
  EXPECT_FALSE(p.root().get("s").copy_string(buf, 0));
  EXPECT_TRUE(p.root().get("e").copy_string(buf, 1, &len));
  EXPECT_EQ(len, 0u);
  EXPECT_TRUE(p.root().get("e").equals(""));
  EXPECT_FALSE(p.root().copy_string(buf, sizeof buf)) << "not a string";
}

TEST(Json, RumprunQuirks) {
  // Text before the object and trailing commas, as Rumprun's launcher wrote.
  Parsed p("rumprun [x] {\"env\":\"TZ=UTC\",\"net\":[1,2,],\"o\":{\"a\":1,},}");
  ASSERT_EQ(p.error, Error::None);
  EXPECT_EQ(p.root().size(), 3u);
  EXPECT_EQ(p.root().get("net").size(), 2u);
  EXPECT_EQ(p.root().get("o").size(), 1u);
  // A NUL ends the text, as in a C command line.
  EXPECT_EQ(Parsed(std::string("{\"a\":1}\n\0junk", 14)).error, Error::None);
}

TEST(Json, EmptyContainers) {
  Parsed p(R"({"a":[],"o":{},"n":[[],[{}]]})");
  ASSERT_EQ(p.error, Error::None);
  EXPECT_EQ(p.root().get("a").size(), 0u);
  EXPECT_TRUE(p.root().get("o").is_object());
  EXPECT_EQ(p.root().get("n").at(1).at(0).size(), 0u);
  EXPECT_EQ(Parsed("{}").root().size(), 0u);
}

TEST(Json, RejectsBadSyntax) {
  const char* bad[] = {
      "", "no object", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":nul}",
      "{\"a\":True}", "{\"a\":\"\x01\"}", "{\"a\":\"\t\"}", "{\"a\":\"\\x\"}",
      "{\"a\":\"\\u12G4\"}", "{\"a\":[1 2]}", "{} x", "{}}", "{\"a\":[,]}", "{\"a\":[1,,]}",
      "{,}", "{\"a\":1,,}", "{1:2}", "{'a':1}", "{\"a\":[}", "{\"a\":{]}", "{\"a\":undefined}",
      "{\"a\":1}{}"};
  for (const char* text : bad) {
    Parsed p(text);
    EXPECT_EQ(p.error, Error::Syntax) << text;
    EXPECT_FALSE(p.root().valid()) << text;
  }
}

// Every proper prefix of a valid document ends too early.
TEST(Json, EveryPrefixIsTruncated) {
  std::string doc = R"({"a":[1,-2.5e+3,true,false,null,{"k":"v\n\u00e9\ud83d\ude00"}],"b":{},)"
                    "\"c\":\"\xe2\x82\xac\",}";
  ASSERT_EQ(Parsed(doc).error, Error::None);
  for (size_t n = 1; n < doc.size(); n++) {
    Parsed p(doc.substr(0, n));
    EXPECT_EQ(p.error, Error::Truncated) << doc.substr(0, n);
    EXPECT_FALSE(p.root().valid());
  }
}

TEST(Json, ErrorOffsetPointsAtTheProblem) {
  Parsed p(R"({"a":1,"b":x})");
  EXPECT_EQ(p.error, Error::Syntax);
  EXPECT_EQ(p.doc.error_offset(), 11u);
  Parsed ok("{}");
  EXPECT_EQ(ok.doc.error_offset(), 0u);
}

TEST(Json, DepthLimit) {
  auto nested = [](size_t arrays) {  // the root object plus `arrays` levels
    return "{\"a\":" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
  };
  EXPECT_EQ(Parsed(nested(Document::kMaxDepth - 1)).error, Error::None);
  EXPECT_EQ(Parsed(nested(Document::kMaxDepth)).error, Error::TooDeep);
  // No recursion: a very deep text fails fast and without a stack overflow.
  EXPECT_EQ(Parsed(nested(1000000)).error, Error::TooDeep);
  EXPECT_EQ(Parsed("{\"a\":" + std::string(1000000, '[')).error, Error::TooDeep);
}

TEST(Json, TokenLimitIsExact) {
  std::string doc = R"({"a":[1,2,3],"b":{"c":null}})";  // 10 tokens
  EXPECT_EQ(Parsed(doc, 10).error, Error::None);
  EXPECT_EQ(Parsed(doc, 9).error, Error::NoMemory);
  EXPECT_EQ(Parsed(doc, 0).error, Error::NoMemory);
  std::string many = "{\"a\":[";
  for (int i = 0; i < 300; i++) many += "1,";
  many += "1]}";
  EXPECT_EQ(Parsed(many).error, Error::NoMemory);
}

TEST(Json, ReparsingForgetsThePreviousDocument) {
  std::string good = "{\"a\":1}", bad = "{\"a\":";
  Token tokens[8];
  Document doc;
  ASSERT_EQ(doc.parse(good.data(), good.size(), tokens, 8), Error::None);
  EXPECT_TRUE(doc.root().valid());
  EXPECT_EQ(doc.parse(bad.data(), bad.size(), tokens, 8), Error::Truncated);
  EXPECT_FALSE(doc.root().valid());
}

TEST(Json, InvalidValuesAreSafe) {
  Value v;
  EXPECT_FALSE(v.valid());
  EXPECT_EQ(v.type(), Type::Null);
  EXPECT_FALSE(v.is_null());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_FALSE(v.at(0).valid());
  EXPECT_FALSE(v.key_at(0).valid());
  EXPECT_FALSE(v.get("a").valid());
  EXPECT_EQ(v.string_length(), 0u);
  EXPECT_FALSE(v.equals(""));
  char buf[4];
  EXPECT_FALSE(v.copy_string(buf, sizeof buf));
  bool b;
  int64_t i;
  uint64_t u;
  EXPECT_FALSE(v.as_bool(&b));
  EXPECT_FALSE(v.as_int(&i));
  EXPECT_FALSE(v.as_uint(&u));
  Parsed p(R"({"a":[1],"s":"x"})");
  EXPECT_FALSE(p.root().get("a").get("x").valid()) << "get on an array";
  EXPECT_FALSE(p.root().get("a").key_at(0).valid());
  EXPECT_EQ(p.root().get("s").size(), 0u);
  EXPECT_FALSE(p.root().get("s").at(0).valid());
}

TEST(Json, ErrorStrings) {
  for (Error e : {Error::None, Error::NoMemory, Error::Syntax, Error::Truncated, Error::TooDeep})
    EXPECT_GT(std::string(error_string(e)).size(), 5u);
}

}  // namespace
}  // namespace kiln::json
