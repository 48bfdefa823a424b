// A reply's payload: JSON text written into a bounded buffer. What does not
// fit is dropped and overflowed() says so; the server then answers Failed
// rather than send a cut document.
#pragma once

#include <stddef.h>

namespace kiln::control {

class ReplyWriter {
 public:
  ReplyWriter(char* buf, size_t cap) : buf_(buf), cap_(cap) {}

  void raw(const char* text);
  [[gnu::format(printf, 2, 3)]] void printf(const char* fmt, ...);
  // `s` as a JSON string: quoted, with '"', '\' and control bytes escaped.
  void string(const char* s);

  const char* data() const { return buf_; }
  size_t length() const { return len_; }
  bool overflowed() const { return overflow_; }
  void clear() {
    len_ = 0;
    overflow_ = false;
  }

 private:
  void put(const char* s, size_t n);

  char* buf_;
  size_t cap_;
  size_t len_ = 0;
  bool overflow_ = false;
};

}  // namespace kiln::control
