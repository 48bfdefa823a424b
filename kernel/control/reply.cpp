#include "control/reply.h"

#include <stdarg.h>

#include "lib/format.h"
#include "lib/mem.h"

namespace kiln::control {

void ReplyWriter::put(const char* s, size_t n) {
  if (overflow_ || n > cap_ - len_) {
    overflow_ = true;
    return;
  }
  memcpy(buf_ + len_, s, n);
  len_ += n;
}

void ReplyWriter::raw(const char* text) { put(text, strlen(text)); }

void ReplyWriter::printf(const char* fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  size_t n = vformat(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  // Longer text is a caller's mistake: say so rather than cut it.
  if (n >= sizeof tmp) {
    overflow_ = true;
    return;
  }
  put(tmp, n);
}

void ReplyWriter::string(const char* s) {
  put("\"", 1);
  for (; *s; s++) {
    unsigned char c = static_cast<unsigned char>(*s);
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', char(c)};
      put(esc, 2);
    } else if (c < 0x20) {
      char esc[8];
      put(esc, format(esc, sizeof esc, "\\u%04x", c));
    } else {
      put(s, 1);
    }
  }
  put("\"", 1);
}

}  // namespace kiln::control
