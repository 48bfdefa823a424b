// Reader for cpio "newc" archives (magic 070701, and 070702 whose entries
// carry a checksum of their data): the format of kiln's baked payload
// (docs/internals.md). The archive is untrusted: every field is checked,
// and an Entry's pointers always lie inside the archive.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::cpio {

enum class Error { None, Truncated, BadMagic, BadField, BadName, BadChecksum, NotFound };
const char* error_string(Error e);

struct Entry {
  // Leading "/" and "./" removed, and "." alone made empty (the root, as
  // `find . | cpio -o` writes it). Not NUL-terminated; holds no NUL.
  const char* name;
  size_t name_len;
  uint32_t mode, uid, gid, nlink, mtime, ino, dev_major, dev_minor;
  const uint8_t* data;
  size_t size;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // The next entry. Error::NotFound at the TRAILER!!! entry, which ends the
  // archive; that and every other error are final.
  Error next(Entry* e);

 private:
  Error read(Entry* e);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  Error end_ = Error::None;
};

// The first entry named `name`, compared as entry names are (leading "/" and
// "./" ignored); NotFound if the archive ends without one.
Error find(const uint8_t* data, size_t size, const char* name, Entry* out);

}  // namespace kiln::cpio
