// A parsed message written out: as a console line, or as an RFC 5424
// message for a remote server (one UDP datagram each, RFC 5426).
//
// Why RFC 5424 and not RFC 3164 on the wire: 3164 only describes what
// senders were seen to do, so receivers guess which word is the HOSTNAME
// and the timestamp has no year, zone or fraction; 5424's fields are
// delimited (HOSTNAME, APP-NAME, PROCID), its time is UTC to the
// microsecond, and rsyslog's default parsers take it as it is, filling
// %HOSTNAME% and %PROGRAMNAME% from those fields.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "syslog/message.h"

namespace kiln::syslog {

// Where console text goes, piece by piece (the text may be 64 KiB).
struct Sink {
  void (*write)(void* ctx, const char* s, size_t n);
  void* ctx;
};

// "<user.info> TAG[PID]: TEXT\n" ("TAG: " without a pid, nothing without a
// tag). Control characters become rsyslog's "#ooo" (octal), so one message
// is one console line whatever it holds; tabs and non-ASCII bytes pass.
void write_console_line(const Message& m, Sink out);

// The largest message sent: rsyslog's default maxMessageSize ("8k" is
// 8096 octets there; Debian's rsyslog cut an 8192-octet one to that).
// RFC 5426 §3.2 asks receivers for 2048 octets only: others may cut again.
inline constexpr size_t kMaxDatagram = 8096;

// "<PRI>1 2026-12-07T10:00:00.123456Z HOSTNAME APP-NAME PROCID - - TEXT"
// into out (no NUL). unix_ns is the time it arrived; an empty hostname or
// tag is "-" (NILVALUE), a tag is cut to 48 characters, and text past
// `cap` is cut at a UTF-8 character boundary. Returns the length.
size_t format_rfc5424(const Message& m, int64_t unix_ns, const char* hostname, char* out,
                      size_t cap);

}  // namespace kiln::syslog
