#include "fs/iso9660/names.h"

namespace kiln::fs::iso9660 {

size_t plain_name(const uint8_t* id, size_t len, char* out) {
  size_t i = 0;
  for (; i < len && i < 255; i++) {
    uint8_t c = id[i];
    if (c == 0) break;
    if (c >= 'A' && c <= 'Z') c = uint8_t(c | 0x20);
    if (c == '.' && i + 3 == len && id[i + 1] == ';' && id[i + 2] == '1') break;
    if (c == ';' && i + 2 == len && id[i + 1] == '1') break;
    if (c == ';' || c == '/') c = '.';
    out[i] = char(c);
  }
  return i;
}

namespace {

size_t utf8_width(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void put_utf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = char(cp);
  } else if (cp < 0x800) {
    out[0] = char(0xC0 | cp >> 6);
    out[1] = char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out[0] = char(0xE0 | cp >> 12);
    out[1] = char(0x80 | (cp >> 6 & 0x3F));
    out[2] = char(0x80 | (cp & 0x3F));
  } else {
    out[0] = char(0xF0 | cp >> 18);
    out[1] = char(0x80 | (cp >> 12 & 0x3F));
    out[2] = char(0x80 | (cp >> 6 & 0x3F));
    out[3] = char(0x80 | (cp & 0x3F));
  }
}

}  // namespace

size_t joliet_name(const uint8_t* id, size_t len, char* out, size_t cap) {
  size_t units = len / 2;
  auto unit = [id](size_t i) { return uint32_t(id[2 * i] << 8 | id[2 * i + 1]); };
  // The ";1" version goes first, then trailing dots (Linux's get_joliet_filename).
  size_t end = 0;
  while (end < units && unit(end) != 0) end++;
  if (end >= 2 && unit(end - 2) == ';' && unit(end - 1) == '1') end -= 2;
  while (end >= 2 && unit(end - 1) == '.') end--;
  size_t n = 0;
  for (size_t i = 0; i < end; i++) {
    uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < end && unit(i + 1) >= 0xDC00 &&
        unit(i + 1) < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (unit(i + 1) - 0xDC00);
      i++;
    } else if (cp >= 0xD800 && cp < 0xE000) {
      cp = '?';
    }
    size_t w = utf8_width(cp);
    if (n + w > cap) break;
    put_utf8(cp, out + n);
    n += w;
  }
  return n;
}

bool valid_entry_name(const char* name, size_t len) {
  if (len == 0 || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
    return false;
  for (size_t i = 0; i < len; i++)
    if (name[i] == '/' || name[i] == 0) return false;
  return true;
}

}  // namespace kiln::fs::iso9660
