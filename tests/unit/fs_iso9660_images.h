// Crafted ISO 9660 images shared by the crafted-image, out-of-memory and
// fuzz-seed tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fs/iso9660/rock_ridge.h"
#include "fs_iso9660_builder.h"

namespace kiln::fs::iso9660_test {

inline std::string pattern(size_t n, uint8_t seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = char((i * 7 + seed) % 251);
  return s;
}

inline std::string long_date(const char* digits, int8_t gmt_quarters = 0) {
  return std::string(digits, 16) + char(gmt_quarters);
}

inline const std::string kName255 = std::string(200, 'x') + std::string(55, 'y');

// Continuation areas at 19, sub at 20, root at 22-23, data from 30.
inline std::vector<uint8_t> rock_ridge_image() {
  IsoBuilder b(48);
  // Continuation area contents, at known offsets of block 19.
  std::string ce_name = nm("second-half") + tf(kiln::fs::iso9660::kTfModify, short_date(110));
  std::string ce_long = nm(kName255.substr(150));
  std::string ce_link = sl(comp(0, "cal") + comp(4) + comp(2) + comp(0, "bin"));
  uint32_t o_name = 0, o_long = uint32_t(ce_name.size()), o_link = o_long + uint32_t(ce_long.size());
  b.put(19, o_name, ce_name);
  b.put(19, o_long, ce_long);
  b.put(19, o_link, ce_link);

  using namespace kiln::fs::iso9660;
  std::string times = long_date("2020010203040512") + long_date("2021010203040500") +
                      long_date("2022010203040599", 4);  // +1 hour
  std::vector<std::string> root = {
      dot_record(22, 4096, sp() + px(040755, 3, 0, 0) + tf(kTfModify, short_date(100))),
      dotdot_record(22, 4096, px(040755, 3)),
      record(30, 6, 0, "NAMEA.;1", px(0100644, 1, 10, 20) + nm("first-half-", 1) + ce(19, o_name, uint32_t(ce_name.size()))),
      record(30, 6, 0, "LONG.;1", nm(kName255.substr(0, 150), 1) + ce(19, o_long, uint32_t(ce_long.size()))),
      record(0, 0, 0, "LINK.;1", px(0120777) + nm("link") + sl(comp(8) + comp(0, "usr") + comp(1, "lo"), 1) + ce(19, o_link, uint32_t(ce_link.size()))),
      record(0, 0, 0, "DEV.;1", px(020620, 1, 0, 5) + pn(0, 0x103) + nm("null")),
      record(0, 0, 0, "BLK.;1", px(060660) + pn(8, 1) + nm("sda1")),
      record(0, 0, 0, "FIFO.;1", px(010644) + nm("fifo")),
      record(0, 0, 0, "SOCK.;1", px(0140755) + nm("sock")),
      record(30, 6, 0, "TIMES.;1", px(0100600) + nm("times") + tf(kTfModify | kTfAccess | kTfAttributes | kTfLongForm, times)),
      record(30, 6, 0, "HID.;1", px(0100644) + nm("relocated") + re()),
      record(30, 6, 4, "ASSOC.;1", px(0100644) + nm("assoc")),
      record(30, 6, 0, "DOT.;1", px(0100644) + nm(".")),
      record(30, 6, 0, "SLASH.;1", px(0100644) + nm("a/b")),
      record(30, 6, 0, "NONM.;1", px(0100444)),
      record(30, 2048, 0x80, "MULTI.;1", px(0100644) + nm("multi")),
      record(33, 4096, 0x80, "MULTI.;1", px(0100644) + nm("multi")),
      record(36, 100, 0, "MULTI.;1", px(0100644) + nm("multi")),
      record(38, 5, 0, "XAR.;1", px(0100644) + nm("xar"), 1),
      record(20, 2048, 2, "SUB", px(040700, 2, 1, 1) + nm("sub")),
      record(30, 6, 0, "STOP.;1", px(0100644) + st() + nm("ignored")),
  };
  if (b.directory(22, root) > 4096) std::abort();
  b.directory(20, {dot_record(20, 2048, px(040700, 2, 1, 1)), dotdot_record(22, 4096),
                   record(37, 3, 0, "INNER.;1", px(0100640) + nm("inner"))});
  b.put(30, 0, pattern(2048, 1));
  b.put(33, 0, pattern(4096, 2));
  b.put(36, 0, pattern(100, 3));
  b.put(37, 0, "abc");
  b.put(39, 0, "hello");
  b.primary(16, record(22, 4096, 2, std::string(1, '\0')));
  b.terminator(17);
  return b.img;
}

inline std::vector<uint8_t> relocation_image(uint32_t cl_target = 22) {
  IsoBuilder b(40);
  b.directory(18, {dot_record(18, 2048, sp() + px(040755)), dotdot_record(18, 2048, px(040755)),
                   record(20, 2048, 2, "A", px(040755) + nm("a")),
                   record(21, 2048, 2, "RR_MOVED", px(040755) + nm("rr_moved") + re())});
  b.directory(20, {dot_record(20, 2048, px(040755)), dotdot_record(18, 2048, px(040755)),
                   record(0, 0, 0, "DEEP", px(040711) + nm("deep") + cl(cl_target))});
  b.directory(21, {dot_record(21, 2048, px(040755)), dotdot_record(18, 2048, px(040755)),
                   record(22, 2048, 2, "DEEP", px(040711) + nm("deep") + re())});
  b.directory(22, {dot_record(22, 2048, px(040711, 2, 7, 8)), dotdot_record(21, 2048, px(040755) + pl(20)),
                   record(30, 4, 0, "F.;1", px(0100644) + nm("f"))});
  b.put(30, 0, "data");
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  return b.img;
}

inline std::vector<uint8_t> continuation_image(const std::string& entry_ce, const std::string& area) {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048, sp() + px(040755)), dotdot_record(18, 2048),
                   record(30, 1, 0, "GOOD.;1", px(0100644) + nm("good")),
                   record(30, 1, 0, "BAD.;1", px(0100644) + nm("bad") + entry_ce)});
  b.put(19, 0, area);
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  return b.img;
}

inline std::vector<uint8_t> joliet_image(bool with_primary) {
  IsoBuilder b(40);
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048), record(30, 1, 0, "PLAIN.;1")});
  b.directory(19, {
                      dot_record(19, 2048), dotdot_record(19, 2048),  // Joliet ".." as xorriso writes it
                      record(30, 1, 0, ucs2(u"Caf\u00e9;1")),
                      record(30, 1, 0, ucs2(u"\xD83D\xDE00.txt")),
                      record(30, 1, 0, ucs2(u"\xD800x")),
                      record(30, 1, 0, ucs2(u"dots...")),
                      record(31, 1, 0, ucs2(u"Mixed.TXT")),
                      record(32, 1, 0, ucs2(u"mixed.txt")),
                      record(20, 2048, 2, ucs2(u"Dir")),
                  });
  b.directory(20, {dot_record(20, 2048), dotdot_record(20, 2048), record(30, 1, 0, ucs2(u"in"))});
  b.put(30, 0, "a");
  b.put(31, 0, "M");
  b.put(32, 0, "m");
  if (with_primary) b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.joliet(with_primary ? 17 : 16, record(19, 2048, 2, std::string(1, '\0')));
  b.terminator(with_primary ? 18 : 17);
  return b.img;
}

inline std::vector<uint8_t> simple_image() {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048), record(30, 5, 0, "FILE.;1"),
                   record(20, 2048, 2, "DIR")});
  b.directory(20, {dot_record(20, 2048), dotdot_record(18, 2048), record(30, 5, 0, "IN.;1")});
  b.put(30, 0, "12345");
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  return b.img;
}

// A root of 200 files f000..f199 over eight blocks (big enough for a name
// index); file i holds one byte, 'a' + i % 20.
inline std::vector<uint8_t> many_entries_image() {
  IsoBuilder b(64);
  std::vector<std::string> recs = {dot_record(18, 8 * 2048), dotdot_record(18, 8 * 2048)};
  for (int i = 0; i < 200; i++) {
    char id[16];
    std::snprintf(id, sizeof id, "F%03d.;1", i);
    recs.push_back(record(40 + uint32_t(i % 20), 1, 0, id));
    b.put(40 + uint32_t(i % 20), 0, std::string(1, char('a' + i % 20)));
  }
  if (b.directory(18, recs) > 8 * 2048) std::abort();
  b.primary(16, record(18, 8 * 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  return b.img;
}

}  // namespace kiln::fs::iso9660_test
