#include "syslog/format.h"

#include "lib/format.h"
#include "lib/mem.h"

namespace kiln::syslog {
namespace {

constexpr size_t kMaxAppName = 48;  // RFC 5424 §6.2.5

void put(Sink out, const char* s) { out.write(out.ctx, s, strlen(s)); }

bool needs_escape(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

void write_escaped(Sink out, const char* s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!needs_escape(c)) continue;
    if (i > run) out.write(out.ctx, s + run, i - run);
    char esc[5] = {'#', char('0' + (c >> 6)), char('0' + ((c >> 3) & 7)), char('0' + (c & 7)), 0};
    out.write(out.ctx, esc, 4);
    run = i + 1;
  }
  if (n > run) out.write(out.ctx, s + run, n - run);
}

// The calendar date of a day count since 1970-01-01, proleptic Gregorian,
// by Howard Hinnant's civil_from_days method: shift the year to start in
// March (so the leap day ends it), then count 400-year eras of 146097 days.
void civil_from_days(int64_t days, int64_t* year, int* month, int* day) {
  days += 719468;  // 0000-03-01 to 1970-01-01
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;                                     // [0, 146096]
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 // [0, 365]
  int64_t mp = (5 * doy + 2) / 153;                                      // March = 0
  *day = int(doy - (153 * mp + 2) / 5 + 1);
  *month = int(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2);
}

size_t timestamp(int64_t unix_ns, char* out, size_t cap) {
  int64_t secs = unix_ns / 1'000'000'000, ns = unix_ns % 1'000'000'000;
  if (ns < 0) secs--, ns += 1'000'000'000;
  int64_t days = secs / 86400, in_day = secs % 86400;
  if (in_day < 0) days--, in_day += 86400;
  int64_t year;
  int month, day;
  civil_from_days(days, &year, &month, &day);
  if (year < 0 || year > 9999) year = 0;  // FULL-DATE has four digits
  return format(out, cap, "%04ld-%02d-%02dT%02ld:%02ld:%02ld.%06ldZ", long(year), month, day,
                long(in_day / 3600), long(in_day / 60 % 60), long(in_day % 60), long(ns / 1000));
}

// How much of s[0, n) fits in `room` without splitting a UTF-8 sequence.
size_t utf8_cut(const char* s, size_t n, size_t room) {
  if (n <= room) return n;
  size_t cut = room;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) cut--;
  return cut;
}

}  // namespace

void write_console_line(const Message& m, Sink out) {
  char head[32];
  format(head, sizeof head, "<%s.%s> ", facility_name(m.facility), severity_name(m.severity));
  put(out, head);
  if (m.tag_len) {
    out.write(out.ctx, m.tag, m.tag_len);
    char pid[24];
    if (m.pid >= 0) format(pid, sizeof pid, "[%ld]: ", m.pid);
    else format(pid, sizeof pid, ": ");
    put(out, pid);
  }
  write_escaped(out, m.text, m.text_len);
  out.write(out.ctx, "\n", 1);
}

size_t format_rfc5424(const Message& m, int64_t unix_ns, const char* hostname, char* out,
                      size_t cap) {
  if (cap == 0) return 0;
  char when[40];
  timestamp(unix_ns, when, sizeof when);
  char pid[24] = "-";
  if (m.pid >= 0) format(pid, sizeof pid, "%ld", m.pid);
  size_t app = m.tag_len < kMaxAppName ? m.tag_len : kMaxAppName;
  size_t n = format(out, cap, "<%d>1 %s %s %.*s %s - -", m.facility * 8 + m.severity, when,
                    hostname && *hostname ? hostname : "-", int(app ? app : 1),
                    app ? m.tag : "-", pid);
  if (n >= cap) return cap - 1;
  if (!m.text_len || n + 1 >= cap) return n;
  out[n++] = ' ';
  size_t take = utf8_cut(m.text, m.text_len, cap - n);
  memcpy(out + n, m.text, take);
  return n + take;
}

}  // namespace kiln::syslog
