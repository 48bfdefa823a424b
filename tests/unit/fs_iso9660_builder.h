// Builds ISO 9660 images byte by byte, for tests that need what no
// mastering tool writes: every SUSP/RRIP entry form, continuation chains,
// multi-extent files, extended attribute records, and corruption.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace kiln::fs::iso9660_test {

inline std::string le32s(uint32_t v) {
  return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}
inline std::string be32s(uint32_t v) {
  return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
inline std::string both32(uint32_t v) { return le32s(v) + be32s(v); }
inline std::string both16(uint16_t v) {
  return std::string{char(v), char(v >> 8), char(v >> 8), char(v)};
}

// 2001-02-03 04:05:06 UTC: 981173106.
inline std::string short_date(uint8_t years_since_1900 = 101, uint8_t month = 2, uint8_t day = 3,
                              uint8_t hour = 4, uint8_t minute = 5, uint8_t second = 6,
                              int8_t gmt_quarters = 0) {
  return std::string{char(years_since_1900), char(month), char(day), char(hour),
                     char(minute),           char(second), char(gmt_quarters)};
}
inline constexpr int64_t kShortDate = 981173106;

inline std::string record(uint32_t extent, uint32_t size, uint8_t flags, const std::string& id,
                          const std::string& su = "", uint8_t xar = 0,
                          const std::string& date = short_date()) {
  std::string r;
  r += '\0';  // length, below
  r += char(xar);
  r += both32(extent);
  r += both32(size);
  r += date;
  r += char(flags);
  r += '\0';  // unit size
  r += '\0';  // interleave gap
  r += both16(1);
  r += char(id.size());
  r += id;
  if (r.size() % 2) r += '\0';
  r += su;
  if (r.size() > 255) std::abort();  // the length is one byte
  r[0] = char(r.size());
  return r;
}
inline std::string dot_record(uint32_t extent, uint32_t size, const std::string& su = "") {
  return record(extent, size, 2, std::string(1, '\0'), su);
}
inline std::string dotdot_record(uint32_t extent, uint32_t size, const std::string& su = "") {
  return record(extent, size, 2, std::string(1, '\1'), su);
}

// SUSP and RRIP entries.
inline std::string susp(const char* sig, const std::string& body, uint8_t version = 1) {
  return std::string{sig[0], sig[1], char(4 + body.size()), char(version)} + body;
}
inline std::string sp(uint8_t skip = 0) { return susp("SP", std::string{'\xBE', '\xEF', char(skip)}); }
inline std::string px(uint32_t mode, uint32_t nlink = 1, uint32_t uid = 0, uint32_t gid = 0,
                      int64_t ino = -1) {
  std::string b = both32(mode) + both32(nlink) + both32(uid) + both32(gid);
  if (ino >= 0) b += both32(uint32_t(ino));
  return susp("PX", b);
}
inline std::string nm(const std::string& name, uint8_t flags = 0) {
  return susp("NM", std::string(1, char(flags)) + name);
}
inline std::string comp(uint8_t flags, const std::string& text = "") {
  return std::string{char(flags), char(text.size())} + text;
}
inline std::string sl(const std::string& components, uint8_t flags = 0) {
  return susp("SL", std::string(1, char(flags)) + components);
}
inline std::string ce(uint32_t block, uint32_t offset, uint32_t length) {
  return susp("CE", both32(block) + both32(offset) + both32(length));
}
inline std::string tf(uint8_t flags, const std::string& times) {
  return susp("TF", std::string(1, char(flags)) + times);
}
inline std::string pn(uint32_t high, uint32_t low) { return susp("PN", both32(high) + both32(low)); }
inline std::string cl(uint32_t block) { return susp("CL", both32(block)); }
inline std::string pl(uint32_t block) { return susp("PL", both32(block)); }
inline std::string re() { return susp("RE", ""); }
inline std::string st() { return susp("ST", ""); }

inline std::string ucs2(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) out += std::string{char(c >> 8), char(c)};
  return out;
}

class IsoBuilder {
 public:
  explicit IsoBuilder(uint32_t blocks) : img(size_t(blocks) * 2048, 0) {}

  void put(uint32_t lba, size_t off, const std::string& bytes) {
    std::memcpy(img.data() + size_t(lba) * 2048 + off, bytes.data(), bytes.size());
  }
  // A volume descriptor (primary, or supplementary with Joliet escapes).
  void descriptor(uint32_t lba, uint8_t type, const std::string& root, uint32_t volume_blocks,
                  const char* escapes = nullptr, uint16_t block_size = 2048) {
    std::string d(2048, '\0');
    d[0] = char(type);
    std::memcpy(&d[1], "CD001", 5);
    d[6] = 1;
    std::string vb = both32(volume_blocks), bs = both16(block_size);
    std::memcpy(&d[80], vb.data(), 8);
    if (escapes) std::memcpy(&d[88], escapes, 3);
    std::memcpy(&d[128], bs.data(), 4);
    std::memcpy(&d[156], root.data(), root.size() < 34 ? root.size() : 34);
    d[881] = 1;
    put(lba, 0, d);
  }
  void primary(uint32_t lba, const std::string& root) { descriptor(lba, 1, root, blocks()); }
  void joliet(uint32_t lba, const std::string& root) { descriptor(lba, 2, root, blocks(), "%/E"); }
  void terminator(uint32_t lba) {
    std::string d(7, '\0');
    d[0] = char(255);
    std::memcpy(&d[1], "CD001", 5);
    d[6] = 1;
    put(lba, 0, d);
  }
  // Lays records out from block `lba`, moving to the next block when one
  // would cross; returns the directory's size in bytes (whole blocks).
  uint32_t directory(uint32_t lba, const std::vector<std::string>& records) {
    size_t off = 0;
    uint32_t block = lba;
    for (const auto& r : records) {
      if (off + r.size() > 2048) {
        block++;
        off = 0;
      }
      put(block, off, r);
      off += r.size();
    }
    return (block - lba + 1) * 2048;
  }
  uint32_t blocks() const { return uint32_t(img.size() / 2048); }

  std::vector<uint8_t> img;
};

}  // namespace kiln::fs::iso9660_test
