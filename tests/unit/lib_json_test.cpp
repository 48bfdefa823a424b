// The JSON parser: the boot configuration's and the manifest's reader.
#include "lib/json.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace kiln::json {
namespace {

// Values point into the text, so the text lives as long as the document.
struct Parsed {
  std::string text;
  Token tokens[128];
  Document doc;
  Error error;
  explicit Parsed(std::string t)
      : text(std::move(t)), error(doc.parse(text.data(), text.size(), tokens, 128)) {}
};

std::string str(const Value& v) {
  char buf[256];
  EXPECT_TRUE(v.copy_string(buf, sizeof buf));
  return buf;
}

TEST(Json, ObjectMembersArraysAndScalars) {
  Parsed p(R"({"args":["a","b c"],"n":-12,"u":18446744073709551615,"t":true,"f":false,"z":null})");
  ASSERT_EQ(p.error, Error::None);
  Value root = p.doc.root();
  EXPECT_EQ(root.type(), Type::Object);
  EXPECT_EQ(root.size(), 6u);
  Value args = root.get("args");
  ASSERT_EQ(args.type(), Type::Array);
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
  EXPECT_EQ(root.get("z").type(), Type::Null);
  EXPECT_FALSE(root.get("missing").valid());
  EXPECT_TRUE(root.key_at(0).equals("args"));
  EXPECT_EQ(root.at(1).type(), Type::Number);
}

TEST(Json, IntegerLimits) {
  Parsed p(R"({"a":[9223372036854775807,-9223372036854775808,9223372036854775808,18446744073709551616,1.5,1e3,-0]})");
  ASSERT_EQ(p.error, Error::None);
  Value a = p.doc.root().get("a");
  int64_t i;
  uint64_t u;
  ASSERT_TRUE(a.at(0).as_int(&i));
  EXPECT_EQ(i, INT64_MAX);
  ASSERT_TRUE(a.at(1).as_int(&i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(a.at(2).as_int(&i));
  ASSERT_TRUE(a.at(2).as_uint(&u));
  EXPECT_FALSE(a.at(3).as_uint(&u));
  EXPECT_FALSE(a.at(4).as_int(&i));  // not an integer
  EXPECT_FALSE(a.at(5).as_int(&i));
  ASSERT_TRUE(a.at(6).as_int(&i));
  EXPECT_EQ(i, 0);
}

TEST(Json, EscapesDecodeToUtf8) {
  Parsed p(R"({"s":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00x\ud800y"})");
  ASSERT_EQ(p.error, Error::None);
  Value s = p.doc.root().get("s");
  EXPECT_EQ(str(s), "q\"b\\s/n\nt\tu\xc3\xa9\xf0\x9f\x98\x80x\xef\xbf\xbdy");
  EXPECT_EQ(s.string_length(), str(s).size());
  EXPECT_TRUE(p.doc.root().key_at(0).equals("s"));
}

TEST(Json, CopyStringReportsTruncation) {
  Parsed p(R"({"s":"abcdef"})");
  char buf[4];
  size_t len = 0;
  EXPECT_FALSE(p.doc.root().get("s").copy_string(buf, sizeof buf, &len));
  EXPECT_STREQ(buf, "abc");
  EXPECT_EQ(len, 6u);
}

TEST(Json, RumprunQuirks) {
  // Text before the object and trailing commas, as Rumprun's launcher wrote.
  Parsed p("rumprun {\"env\":\"TZ=UTC\",\"net\":[1,2,],}");
  ASSERT_EQ(p.error, Error::None);
  EXPECT_EQ(p.doc.root().get("net").size(), 2u);
}

TEST(Json, RejectsBadInput) {
  const char* bad[] = {"",          "{",         "{\"a\"}",    "{\"a\":}",   "{\"a\":tru}",
                       "{\"a\":01}", "{\"a\":1.}", "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}",
                       "{\"a\":[1 2]}", "{} x",   "{\"a\":\"\\u12\"}", "[1]"};
  for (const char* text : bad) {
    Parsed p(text);
    EXPECT_NE(p.error, Error::None) << text;
    EXPECT_FALSE(p.doc.root().valid()) << text;
  }
}

TEST(Json, DepthAndTokenLimits) {
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(Parsed(deep).error, Error::TooDeep);
  std::string many = "{\"a\":[";
  for (int i = 0; i < 200; i++) many += "1,";
  many += "1]}";
  EXPECT_EQ(Parsed(many).error, Error::NoMemory);
}

}  // namespace
}  // namespace kiln::json
