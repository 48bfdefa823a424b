#include "lib/format.h"

#include <stdint.h>

namespace kiln {
namespace {

struct Out {
  char* buf;
  size_t cap;
  size_t len = 0;
  void put(char c) {
    if (len + 1 < cap) buf[len] = c;
    len++;
  }
};

void put_padded(Out& o, const char* s, size_t n, int width, bool left, char pad) {
  int fill = width > int(n) ? width - int(n) : 0;
  if (!left)
    while (fill-- > 0) o.put(pad);
  for (size_t i = 0; i < n; i++) o.put(s[i]);
  if (left)
    while (fill-- > 0) o.put(' ');
}

void put_number(Out& o, uint64_t v, bool negative, unsigned base, bool upper, int width,
                bool left, bool zero, const char* prefix) {
  char tmp[24];
  int n = 0;
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  size_t plen = 0;
  while (prefix[plen]) plen++;
  int body = n + int(plen) + (negative ? 1 : 0);
  int fill = width > body ? width - body : 0;
  if (!left && !zero)
    while (fill-- > 0) o.put(' ');
  if (negative) o.put('-');
  for (size_t i = 0; i < plen; i++) o.put(prefix[i]);
  if (!left && zero)
    while (fill-- > 0) o.put('0');
  while (n) o.put(tmp[--n]);
  if (left)
    while (fill-- > 0) o.put(' ');
}

}  // namespace

size_t vformat(char* buf, size_t cap, const char* fmt, va_list ap) {
  Out o{buf, cap};
  for (const char* p = fmt; *p; p++) {
    if (*p != '%') {
      o.put(*p);
      continue;
    }
    p++;
    bool left = false, zero = false, alt = false;
    for (;; p++) {
      if (*p == '-') left = true;
      else if (*p == '0') zero = true;
      else if (*p == '#') alt = true;
      else break;
    }
    int width = 0, precision = -1;
    if (*p == '*') {
      width = va_arg(ap, int);
      if (width < 0) left = true, width = -width;  // as C: a negative width means '-'
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    if (*p == '.') {
      p++;
      precision = 0;
      if (*p == '*') {
        precision = va_arg(ap, int);
        p++;
      }
      while (*p >= '0' && *p <= '9') precision = precision * 10 + (*p++ - '0');
    }
    int longs = 0, shorts = 0;
    while (*p == 'l' || *p == 'z' || *p == 'h') {
      if (*p == 'h')
        shorts++;
      else
        longs++;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
        if (!longs && shorts) v = shorts > 1 ? int64_t(int8_t(v)) : int64_t(int16_t(v));
        uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
        put_number(o, mag, v < 0, 10, false, width, left, zero, "");
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        if (!longs && shorts) v = shorts > 1 ? uint8_t(v) : uint16_t(v);
        unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
        // '#' prefixes a hex zero too ("+0x0" in backtraces), unlike C.
        const char* prefix = !alt ? "" : base == 16 ? (*p == 'X' ? "0X" : "0x")
                                   : base == 8 && v ? "0" : "";
        put_number(o, v, false, base, *p == 'X', width, left, zero, prefix);
        break;
      }
      case 'p':
        put_number(o, reinterpret_cast<uint64_t>(va_arg(ap, void*)), false, 16, false, width,
                   left, zero, "0x");
        break;
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";
        size_t n = 0;
        // The precision bounds the read: the text need not be terminated.
        while ((precision < 0 || n < size_t(precision)) && s[n]) n++;
        put_padded(o, s, n, width, left, ' ');
        break;
      }
      case 'c': {
        char c = char(va_arg(ap, int));
        put_padded(o, &c, 1, width, left, ' ');
        break;
      }
      case '%':
        o.put('%');
        break;
      case '\0':
        p--;
        break;
      default:
        o.put('%');
        o.put(*p);
    }
  }
  if (cap) buf[o.len < cap ? o.len : cap - 1] = '\0';
  return o.len;
}

size_t format(char* buf, size_t cap, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = vformat(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

}  // namespace kiln
