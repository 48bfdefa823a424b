// A message a program sent to /dev/log, taken apart. syslog(3) in glibc and
// musl, and util-linux's logger, all send RFC 3164's local form:
//
//   <PRI>Mmm dd hh:mm:ss TAG[PID]: TEXT        ([PID] only with LOG_PID)
//
// Parsed from untrusted bytes (any program may write anything there), so
// parse() takes whatever comes: what does not fit the form is text, with
// user.notice and no tag, as RFC 3164 §4.3.3 has relays treat it. Portable:
// the kernel (socket/dev_log.cpp), tests/unit/syslog_test.cpp and
// tests/fuzz/syslog_fuzz.cpp use it.
#pragma once

#include <stddef.h>

namespace kiln::syslog {

inline constexpr int kDefaultFacility = 1;  // user
inline constexpr int kDefaultSeverity = 5;  // notice
// Longer words are not taken for a tag (RFC 3164 allows 32, RFC 5424's
// APP-NAME 48; format.cpp cuts to 48 where the format needs it).
inline constexpr size_t kMaxTag = 128;

// Views into the bytes given to parse(); nothing is copied.
struct Message {
  int facility = kDefaultFacility;  // 0-23: kern, user, ..., local7
  int severity = kDefaultSeverity;  // 0-7: emerg ... debug
  const char* tag = "";             // printable ASCII without space, '[' or ':'
  size_t tag_len = 0;
  long pid = -1;                    // -1: the sender gave none
  const char* text = "";            // trailing newlines and NULs removed
  size_t text_len = 0;
};

Message parse(const char* data, size_t len);

// Names as rsyslog and syslog.conf spell them ("user", "local0"; "err", "warning").
const char* facility_name(int facility);
const char* severity_name(int severity);

}  // namespace kiln::syslog
