// Any datagram a program sends to /dev/log: parsed, then written out both
// ways the kernel does (console line, RFC 5424 datagram), checking what the
// outputs promise: one line, no control characters, at most the cap.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <string>

#include "syslog/format.h"
#include "syslog/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kiln::syslog;
  Message m = parse(reinterpret_cast<const char*>(data), size);
  std::string line;
  write_console_line(m, Sink{[](void* ctx, const char* s, size_t n) {
                               static_cast<std::string*>(ctx)->append(s, n);
                             },
                             &line});
  if (line.empty() || line.back() != '\n') abort();
  for (size_t i = 0; i + 1 < line.size(); i++) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) abort();
  }
  static char out[kMaxDatagram];
  for (size_t cap : {size_t(1), size_t(64), sizeof out}) {
    size_t n = format_rfc5424(m, int64_t(size) * 977'000'000'123, "web-1", out, cap);
    if (n > cap || (cap > 1 && (n < 2 || out[0] != '<'))) abort();
  }
  return 0;
}
