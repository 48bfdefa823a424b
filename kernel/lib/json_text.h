// Character-level helpers shared by the JSON parser and its accessors.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/mem.h"

namespace kiln::json {

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the UTF-8 sequence starting with the byte p[0] >= 0x80:
// 0 if it is ill-formed (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or more than avail when the text cuts it off.
inline size_t utf8_sequence(const char* text, size_t avail) {
  auto p = reinterpret_cast<const unsigned char*>(text);
  size_t n;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (p[0] >= 0xc2 && p[0] <= 0xdf) {
    n = 2;
  } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
    n = 3;
    if (p[0] == 0xe0) lo = 0xa0;
    if (p[0] == 0xed) hi = 0x9f;
  } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
    n = 4;
    if (p[0] == 0xf0) lo = 0x90;
    if (p[0] == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if (i >= avail) return n;
    if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf)) return 0;
  }
  return n;
}

}  // namespace kiln::json
