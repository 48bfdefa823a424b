#include "lib/cpio.h"

#include "lib/mem.h"

namespace kiln::cpio {
namespace {

// "070701", then 13 fields of 8 hex digits.
constexpr size_t kHeaderSize = 110, kFields = 13;
enum Field { kIno, kMode, kUid, kGid, kNlink, kMtime, kFileSize, kDevMajor, kDevMinor,
             kRdevMajor, kRdevMinor, kNameSize, kCheck };

bool hex8(const uint8_t* p, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < 8; i++) {
    uint8_t c = p[i];
    uint32_t d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v << 4 | d;
  }
  *out = v;
  return true;
}

bool holds_nul(const char* p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] == '\0') return true;
  return false;
}

size_t align4(size_t v) { return (v + 3) & ~size_t(3); }

void strip_prefixes(const char** name, size_t* len) {
  for (;;) {
    if (*len >= 1 && (*name)[0] == '/') {
      ++*name, --*len;
    } else if (*len >= 2 && (*name)[0] == '.' && (*name)[1] == '/') {
      *name += 2, *len -= 2;
    } else {
      break;
    }
  }
  if (*len == 1 && (*name)[0] == '.') *len = 0;
}

}  // namespace

const char* error_string(Error e) {
  switch (e) {
    case Error::None: return "no error";
    case Error::Truncated: return "the archive is truncated";
    case Error::BadMagic: return "not a cpio newc archive (bad magic)";
    case Error::BadField: return "a header field is not hexadecimal";
    case Error::BadName: return "an entry name is malformed";
    case Error::BadChecksum: return "an entry's data does not match its checksum";
    case Error::NotFound: return "no such entry";
  }
  return "unknown cpio error";
}

Error Reader::next(Entry* e) {
  if (end_ == Error::None) end_ = read(e);
  return end_;
}

// Offsets stay at most size_, so no sum below overflows.
Error Reader::read(Entry* e) {
  if (size_ - pos_ < kHeaderSize) return Error::Truncated;
  const uint8_t* h = data_ + pos_;
  if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2')) return Error::BadMagic;
  uint32_t f[kFields];
  for (size_t i = 0; i < kFields; i++)
    if (!hex8(h + 6 + 8 * i, &f[i])) return Error::BadField;

  size_t name_at = pos_ + kHeaderSize, name_size = f[kNameSize];
  if (name_size == 0) return Error::BadName;
  if (size_ - name_at < name_size) return Error::Truncated;
  const char* name = reinterpret_cast<const char*>(data_ + name_at);
  size_t len = name_size - 1;
  if (name[len] != '\0' || holds_nul(name, len)) return Error::BadName;

  size_t data_at = align4(name_at + name_size), data_size = f[kFileSize];
  if (data_at > size_ || size_ - data_at < data_size) return Error::Truncated;
  if (len == 10 && memcmp(name, "TRAILER!!!", 10) == 0) return Error::NotFound;
  if (h[5] == '2') {
    uint32_t sum = 0;
    for (size_t i = 0; i < data_size; i++) sum += data_[data_at + i];
    if (sum != f[kCheck]) return Error::BadChecksum;
  }

  strip_prefixes(&name, &len);
  *e = Entry{name, len, f[kMode], f[kUid], f[kGid], f[kNlink], f[kMtime], f[kIno],
             f[kDevMajor], f[kDevMinor], data_ + data_at, data_size};
  // The last entry's padding may be missing; the next read reports that.
  size_t end = align4(data_at + data_size);
  pos_ = end < size_ ? end : size_;
  return Error::None;
}

Error find(const uint8_t* data, size_t size, const char* name, Entry* out) {
  size_t want = strlen(name);
  strip_prefixes(&name, &want);
  Reader r(data, size);
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
