// The cpio "newc" reader: archives made here byte by byte, and corrupt ones.
#include "lib/cpio.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace kiln::cpio {
namespace {

std::string entry(const std::string& name, const std::string& data, unsigned mode) {
  char hdr[111];
  std::snprintf(hdr, sizeof hdr, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 7u,
                mode, 0u, 0u, 1u, 1234u, data.size(), 0u, 0u, 0u, 0u, name.size() + 1, 0u);
  std::string out = hdr + name + '\0';
  out.append((4 - out.size() % 4) % 4, '\0');
  out += data;
  out.append((4 - out.size() % 4) % 4, '\0');
  return out;
}

std::string sample() {
  return entry(".kiln", "", 040755) + entry("./.kiln/manifest.json", "{\"v\":1}", 0100644) +
         entry("/bin/x", "ELF!!", 0100755) + entry("TRAILER!!!", "", 0);
}

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(Cpio, IteratesEntriesAndStripsPrefixes) {
  std::string a = sample();
  Reader r(bytes(a), a.size());
  Entry e;
  ASSERT_EQ(r.next(&e), Error::None);
  EXPECT_EQ(std::string(e.name, e.name_len), ".kiln");
  EXPECT_EQ(e.mode, 040755u);
  ASSERT_EQ(r.next(&e), Error::None);
  EXPECT_EQ(std::string(e.name, e.name_len), ".kiln/manifest.json");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(e.data), e.size), "{\"v\":1}");
  EXPECT_EQ(e.mtime, 1234u);
  EXPECT_EQ(e.ino, 7u);
  ASSERT_EQ(r.next(&e), Error::None);
  EXPECT_EQ(std::string(e.name, e.name_len), "bin/x");
  EXPECT_EQ(e.mode, 0100755u);
  EXPECT_EQ(r.next(&e), Error::NotFound);  // the trailer ends it
  EXPECT_EQ(r.next(&e), Error::NotFound);
}

TEST(Cpio, Find) {
  std::string a = sample();
  Entry e;
  ASSERT_EQ(find(bytes(a), a.size(), "bin/x", &e), Error::None);
  EXPECT_EQ(e.size, 5u);
  EXPECT_EQ(find(bytes(a), a.size(), "bin/y", &e), Error::NotFound);
  EXPECT_EQ(find(bytes(a), a.size(), "bin", &e), Error::NotFound);
}

TEST(Cpio, EveryTruncationIsAnError) {
  std::string a = sample();
  size_t trailer = a.size() - entry("TRAILER!!!", "", 0).size();
  for (size_t n = 0; n < trailer; n++) {
    Reader r(bytes(a), n);
    Entry e;
    Error err;
    while ((err = r.next(&e)) == Error::None) {
    }
    EXPECT_EQ(err, Error::Truncated) << "length " << n;
  }
}

TEST(Cpio, CorruptHeaders) {
  std::string a = sample();
  std::string bad_magic = a;
  bad_magic[5] = '7';
  Entry e;
  EXPECT_EQ(Reader(bytes(bad_magic), bad_magic.size()).next(&e), Error::BadMagic);
  std::string bad_hex = a;
  bad_hex[20] = 'g';
  EXPECT_EQ(Reader(bytes(bad_hex), bad_hex.size()).next(&e), Error::BadField);
  std::string huge = a;
  huge.replace(6 + 8 * 6, 8, "7fffffff");  // filesize beyond the archive
  EXPECT_EQ(Reader(bytes(huge), huge.size()).next(&e), Error::Truncated);
  std::string unterminated = a;
  unterminated.replace(6 + 8 * 11, 8, "00000005");  // name size cuts ".kiln\0" short
  EXPECT_EQ(Reader(bytes(unterminated), unterminated.size()).next(&e), Error::BadName);
}

}  // namespace
}  // namespace kiln::cpio
