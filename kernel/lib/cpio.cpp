#include "lib/cpio.h"

#include "lib/mem.h"

namespace kiln::cpio {
namespace {

constexpr size_t kHeader = 110;

bool hex8(const uint8_t* p, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < 8; i++) {
    uint8_t c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | uint32_t(d);
  }
  *out = v;
  return true;
}

size_t align4(size_t v) { return (v + 3) & ~size_t(3); }

}  // namespace

const char* error_string(Error e) {
  switch (e) {
    case Error::None: return "no error";
    case Error::Truncated: return "the archive is truncated";
    case Error::BadMagic: return "not a cpio newc archive";
    case Error::BadField: return "a header field is not hexadecimal";
    case Error::BadName: return "an entry name is malformed";
    case Error::NotFound: return "no such entry";
  }
  return "unknown error";
}

Error Reader::next(Entry* e) {
  if (done_) return Error::NotFound;
  if (pos_ > size_ || size_ - pos_ < kHeader) return Error::Truncated;
  const uint8_t* h = data_ + pos_;
  if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2')) return Error::BadMagic;
  uint32_t f[13];
  for (int i = 0; i < 13; i++)
    if (!hex8(h + 6 + 8 * i, &f[i])) return Error::BadField;
  uint32_t namesize = f[11], filesize = f[6];
  if (namesize == 0) return Error::BadName;
  size_t name_at = pos_ + kHeader;
  if (size_ - name_at < namesize) return Error::Truncated;
  const char* name = reinterpret_cast<const char*>(data_ + name_at);
  if (name[namesize - 1] != '\0') return Error::BadName;
  size_t data_at = align4(name_at + namesize);
  if (data_at > size_ || size_ - data_at < filesize) return Error::Truncated;
  size_t len = namesize - 1;
  if (len == 10 && memcmp(name, "TRAILER!!!", 10) == 0) {
    done_ = true;
    return Error::NotFound;
  }
  while (len && (name[0] == '/' || (len >= 2 && name[0] == '.' && name[1] == '/'))) {
    size_t skip = name[0] == '/' ? 1 : 2;
    name += skip;
    len -= skip;
  }
  *e = Entry{name,  len,   f[1], f[2], f[3], f[4], f[5], f[0], f[7], f[8],
             data_ + data_at, filesize};
  pos_ = align4(data_at + filesize);
  if (pos_ > size_) pos_ = size_;
  return Error::None;
}

Error find(const uint8_t* data, size_t size, const char* name, Entry* out) {
  Reader r(data, size);
  size_t want = strlen(name);
  Entry e;
  Error err;
  while ((err = r.next(&e)) == Error::None) {
    if (e.name_len == want && memcmp(e.name, name, want) == 0) {
      *out = e;
      return Error::None;
    }
  }
  return err;
}

}  // namespace kiln::cpio
