// Reader for cpio "newc" archives (070701, and 070702 with checksums): the
// format of kiln's baked payload. Untrusted input: every field is checked.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::cpio {

enum class Error { None, Truncated, BadMagic, BadField, BadName, NotFound };
const char* error_string(Error e);

struct Entry {
  const char* name;  // without leading "./" or "/"; not NUL-terminated
  size_t name_len;
  uint32_t mode, uid, gid, nlink, mtime, ino, dev_major, dev_minor;
  const uint8_t* data;
  size_t size;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // The next entry; Error::NotFound at the trailer (the end).
  Error next(Entry* e);

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool done_ = false;
};

// Finds `name` (no leading '/').
Error find(const uint8_t* data, size_t size, const char* name, Entry* out);

}  // namespace kiln::cpio
