// /dev/log's parser (kernel/syslog/message.cpp) and its two outputs: the
// console line and the RFC 5424 datagram (kernel/syslog/format.cpp).
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "syslog/format.h"
#include "syslog/message.h"

namespace kiln::syslog {
namespace {

// A Message points into the bytes parsed: they are kept for the whole run.
Message parsed(const std::string& s) {
  static std::deque<std::string> kept;
  const std::string& bytes = kept.emplace_back(s);
  return parse(bytes.data(), bytes.size());
}
std::string tag(const Message& m) { return std::string(m.tag, m.tag_len); }
std::string text(const Message& m) { return std::string(m.text, m.text_len); }

std::string console(const Message& m) {
  std::string out;
  write_console_line(m, Sink{[](void* ctx, const char* s, size_t n) {
                               static_cast<std::string*>(ctx)->append(s, n);
                             },
                             &out});
  return out;
}

std::string rfc5424(const Message& m, int64_t ns, const char* host, size_t cap = kMaxDatagram) {
  std::string out(cap, '\0');
  out.resize(format_rfc5424(m, ns, host, out.data(), cap));
  return out;
}

constexpr int64_t kDec7 = 1796686607123456000;  // 2026-12-07T23:36:47.123456Z

TEST(SyslogParse, WhatGlibcSends) {
  // syslog(LOG_INFO, "hello") after openlog("myprog", 0, LOG_USER).
  Message m = parsed("<14>Dec  7 23:36:47 myprog: hello");
  EXPECT_EQ(m.facility, 1);
  EXPECT_EQ(m.severity, 6);
  EXPECT_EQ(tag(m), "myprog");
  EXPECT_EQ(m.pid, -1);
  EXPECT_EQ(text(m), "hello");
}

TEST(SyslogParse, WithThePid) {
  Message m = parsed("<155>Dec 17 01:02:03 web.api[4242]: disk 97% full");  // local3.err
  EXPECT_EQ(m.facility, 19);
  EXPECT_EQ(m.severity, 3);
  EXPECT_EQ(tag(m), "web.api");
  EXPECT_EQ(m.pid, 4242);
  EXPECT_EQ(text(m), "disk 97% full");
}

TEST(SyslogParse, TrailingNewlinesAndNulsGo) {
  EXPECT_EQ(text(parsed(std::string("<13>Jan  1 00:00:00 a: x\n\n\0\0", 28))), "x");
  EXPECT_EQ(text(parsed("<13>Jan  1 00:00:00 a: \n")), "");
  EXPECT_EQ(text(parsed("<13>Jan  1 00:00:00 a: in\nside")), "in\nside");
}

TEST(SyslogParse, NoPriIsAllText) {
  Message m = parsed("Dec  7 23:36:47 myprog: hello");
  EXPECT_EQ(m.facility, kDefaultFacility);
  EXPECT_EQ(m.severity, kDefaultSeverity);
  EXPECT_EQ(tag(m), "");
  EXPECT_EQ(text(m), "Dec  7 23:36:47 myprog: hello");
}

TEST(SyslogParse, BadPriIsAllText) {
  for (const char* s : {"<192>a: x", "<01>a: x", "<0013>a: x", "<>a: x", "<13", "<1a>a: x", "<-1>a: x"}) {
    Message m = parsed(s);
    EXPECT_EQ(m.facility, kDefaultFacility) << s;
    EXPECT_EQ(m.severity, kDefaultSeverity) << s;
    EXPECT_EQ(text(m), s);
  }
  Message zero = parsed("<0>kernel: x");
  EXPECT_EQ(zero.facility, 0);
  EXPECT_EQ(zero.severity, 0);
  EXPECT_EQ(tag(zero), "kernel");
  EXPECT_EQ(parsed("<191>a: x").facility, 23);
}

TEST(SyslogParse, TheTimestampIsOptional) {
  Message m = parsed("<13>prog[1]: hi");
  EXPECT_EQ(tag(m), "prog");
  EXPECT_EQ(m.pid, 1);
  EXPECT_EQ(text(m), "hi");
  // Not a timestamp: no month, a letter for a digit, no space after.
  EXPECT_EQ(text(parsed("<13>Foo  7 23:36:47 p: x")), "Foo  7 23:36:47 p: x");
  EXPECT_EQ(text(parsed("<13>Dec  7 23:3x:47 p: x")), "Dec  7 23:3x:47 p: x");
  EXPECT_EQ(tag(parsed("<13>Dec 07 23:36:47 p: x")), "p");
}

TEST(SyslogParse, NoTagShapeMeansNoTag) {
  // What follows the header is text unless it reads TAG[PID]: or TAG:.
  EXPECT_EQ(text(parsed("<13>Dec  7 23:36:47 hello world")), "hello world");
  EXPECT_EQ(tag(parsed("<13>Dec  7 23:36:47 hello world")), "");
  EXPECT_EQ(text(parsed("<13>p[x]: a")), "p[x]: a");
  EXPECT_EQ(text(parsed("<13>p[]: a")), "p[]: a");
  EXPECT_EQ(text(parsed("<13>p[12345678901]: a")), "p[12345678901]: a");
  EXPECT_EQ(parsed("<13>p[1234567890]: a").pid, 1234567890);
  EXPECT_EQ(text(parsed("<13>p[1] a")), "p[1] a");
  // RFC 5424 sent to /dev/log is not taken apart.
  EXPECT_EQ(text(parsed("<13>1 2026-12-07T23:36:47Z h app - - - m")), "1 2026-12-07T23:36:47Z h app - - - m");
}

TEST(SyslogParse, EmptyAndLongTags) {
  Message m = parsed("<13>Dec  7 23:36:47 : no ident");  // glibc with an empty program name
  EXPECT_EQ(tag(m), "");
  EXPECT_EQ(text(m), "no ident");
  std::string longest(kMaxTag, 't');
  EXPECT_EQ(tag(parsed("<13>" + longest + ": x")), longest);
  std::string too_long(kMaxTag + 1, 't');
  EXPECT_EQ(tag(parsed("<13>" + too_long + ": x")), "");
  EXPECT_EQ(text(parsed("<13>" + too_long + ": x")), too_long + ": x");
}

TEST(SyslogParse, EmptyInput) {
  Message m = parse("", 0);
  EXPECT_EQ(text(m), "");
  EXPECT_EQ(tag(m), "");
}

TEST(SyslogNames, AsRsyslogSpellsThem) {
  EXPECT_STREQ(facility_name(0), "kern");
  EXPECT_STREQ(facility_name(10), "authpriv");
  EXPECT_STREQ(facility_name(23), "local7");
  EXPECT_STREQ(facility_name(24), "?");
  EXPECT_STREQ(severity_name(0), "emerg");
  EXPECT_STREQ(severity_name(4), "warning");
  EXPECT_STREQ(severity_name(7), "debug");
}

TEST(SyslogConsole, OneLineWithPriorityAndTag) {
  EXPECT_EQ(console(parsed("<155>Dec 17 01:02:03 web[42]: disk full")), "<local3.err> web[42]: disk full\n");
  EXPECT_EQ(console(parsed("<14>Dec  7 23:36:47 myprog: hello")), "<user.info> myprog: hello\n");
  EXPECT_EQ(console(parsed("no header at all")), "<user.notice> no header at all\n");
  EXPECT_EQ(console(parsed("<13>a: ")), "<user.notice> a: \n");
}

TEST(SyslogConsole, ControlCharactersAreEscaped) {
  EXPECT_EQ(console(parsed("<13>a: x\ny\x01z\tw\x7f\xc3\xa9\r")),
            "<user.notice> a: x#012y#001z\tw#177\xc3\xa9#015\n");
}

TEST(Syslog5424, TheDatagram) {
  EXPECT_EQ(rfc5424(parsed("<155>Dec 17 01:02:03 web[42]: disk full"), kDec7, "web-1"),
            "<155>1 2026-12-07T23:36:47.123456Z web-1 web 42 - - disk full");
  EXPECT_EQ(rfc5424(parsed("<14>Dec  7 23:36:47 myprog: hello"), kDec7, "web-1"),
            "<14>1 2026-12-07T23:36:47.123456Z web-1 myprog - - - hello");
}

TEST(Syslog5424, NilValues) {
  EXPECT_EQ(rfc5424(parsed("just text"), kDec7, ""), "<13>1 2026-12-07T23:36:47.123456Z - - - - - just text");
  EXPECT_EQ(rfc5424(parsed("<13>a[1]: "), kDec7, nullptr), "<13>1 2026-12-07T23:36:47.123456Z - a 1 - -");
}

TEST(Syslog5424, Dates) {
  Message m = parsed("<13>a: x");
  EXPECT_EQ(rfc5424(m, 0, "h"), "<13>1 1970-01-01T00:00:00.000000Z h a - - - x");
  EXPECT_EQ(rfc5424(m, 1709208000000000000, "h"), "<13>1 2024-02-29T12:00:00.000000Z h a - - - x");
  EXPECT_EQ(rfc5424(m, 951868800000000000, "h"), "<13>1 2000-03-01T00:00:00.000000Z h a - - - x");
  EXPECT_EQ(rfc5424(m, 4102444799999999000, "h"), "<13>1 2099-12-31T23:59:59.999999Z h a - - - x");
  EXPECT_EQ(rfc5424(m, -1000, "h"), "<13>1 1969-12-31T23:59:59.999999Z h a - - - x");
}

TEST(Syslog5424, AppNameIsCutTo48) {
  std::string tag60(60, 'a');
  EXPECT_EQ(rfc5424(parsed("<13>" + tag60 + ": x"), 0, "h"),
            "<13>1 1970-01-01T00:00:00.000000Z h " + std::string(48, 'a') + " - - - x");
}

TEST(Syslog5424, LongTextIsCutAtACharacter) {
  const std::string head = "<13>1 1970-01-01T00:00:00.000000Z h a - - - ";
  Message m = parsed("<13>a: " + std::string(10, 'x') + "\xc3\xa9z");
  size_t cap = head.size() + 11;  // room for the x's and the first byte of the é
  EXPECT_EQ(rfc5424(m, 0, "h", cap), head + std::string(10, 'x'));
  EXPECT_EQ(rfc5424(m, 0, "h", cap + 1), head + std::string(10, 'x') + "\xc3\xa9");
  Message big = parsed("<13>a: " + std::string(20000, 'y'));
  EXPECT_EQ(rfc5424(big, 0, "h").size(), kMaxDatagram);
}

}  // namespace
}  // namespace kiln::syslog
