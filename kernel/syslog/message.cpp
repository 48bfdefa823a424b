#include "syslog/message.h"

#include "lib/mem.h"

namespace kiln::syslog {
namespace {

// A cursor over the bytes; every step checks what is left.
struct Reader {
  const char* p;
  size_t left;
  bool eat(char c) {
    if (!left || *p != c) return false;
    p++, left--;
    return true;
  }
  bool digit() const { return left && *p >= '0' && *p <= '9'; }
};

bool is_tag_char(char c) { return c > ' ' && c <= '~' && c != '[' && c != ':'; }

// "<PRI>": 0-191 (facility * 8 + severity), at most three digits and no
// leading zero but in "<0>" (RFC 5424's PRIVAL).
bool read_pri(Reader& r, int* pri) {
  Reader t = r;
  if (!t.eat('<') || !t.digit()) return false;
  int v = 0, digits = 0;
  bool leading_zero = *t.p == '0';
  while (t.digit() && digits < 4) v = v * 10 + (*t.p - '0'), t.p++, t.left--, digits++;
  if (!t.eat('>') || digits > 3 || v > 191 || (leading_zero && digits > 1)) return false;
  *pri = v;
  r = t;
  return true;
}

// "Mmm dd hh:mm:ss " (the day space-padded, as strftime's %e writes it).
// Checked for shape only and dropped: the kernel stamps each message with
// its own clock, which knows the year and the zone.
bool skip_timestamp(Reader& r) {
  static const char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  static const char kShape[] = "Mmm dd hh:mm:ss ";
  constexpr size_t n = sizeof kShape - 1;
  if (r.left < n) return false;
  bool month = false;
  for (size_t m = 0; m < 36 && !month; m += 3) month = memcmp(r.p, kMonths + m, 3) == 0;
  if (!month) return false;
  for (size_t i = 3; i < n; i++) {
    char c = r.p[i], want = kShape[i];
    bool digit = c >= '0' && c <= '9';
    bool ok = want == 'd' || want == 'h' || want == 'm' || want == 's' ? digit || (i == 4 && c == ' ')
                                                                       : c == want;
    if (!ok) return false;
  }
  r.p += n, r.left -= n;
  return true;
}

// "TAG[PID]: " or "TAG: " (the space optional); false, and the reader
// untouched, if the bytes do not say that.
bool read_tag(Reader& r, Message* m) {
  Reader t = r;
  const char* tag = t.p;
  while (t.left && is_tag_char(*t.p) && size_t(t.p - tag) <= kMaxTag) t.p++, t.left--;
  size_t tag_len = size_t(t.p - tag);
  if (tag_len > kMaxTag) return false;
  long pid = -1;
  if (t.eat('[')) {
    if (!t.digit()) return false;
    pid = 0;
    for (int digits = 0; t.digit(); digits++) {
      if (digits == 10) return false;
      pid = pid * 10 + (*t.p - '0'), t.p++, t.left--;
    }
    if (!t.eat(']')) return false;
  }
  if (!t.eat(':')) return false;
  t.eat(' ');
  m->tag = tag, m->tag_len = tag_len, m->pid = pid;
  r = t;
  return true;
}

}  // namespace

Message parse(const char* data, size_t len) {
  Message m;
  Reader r{data, len};
  int pri;
  if (read_pri(r, &pri)) {
    m.facility = pri >> 3;
    m.severity = pri & 7;
    skip_timestamp(r);
    read_tag(r, &m);
  }
  while (r.left && (r.p[r.left - 1] == '\n' || r.p[r.left - 1] == '\0')) r.left--;
  m.text = r.p;
  m.text_len = r.left;
  return m;
}

const char* facility_name(int facility) {
  static const char* const kNames[24] = {
      "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "audit",  "alert",  "clock",
      "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
  return facility >= 0 && facility < 24 ? kNames[facility] : "?";
}

const char* severity_name(int severity) {
  static const char* const kNames[8] = {"emerg",   "alert",  "crit", "err",
                                        "warning", "notice", "info", "debug"};
  return severity >= 0 && severity < 8 ? kNames[severity] : "?";
}

}  // namespace kiln::syslog
