// The cpio "newc" reader: archives written by the real cpio tool at test
// time, archives made here byte by byte, and corrupt and truncated ones.
#include "lib/cpio.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

namespace kiln::cpio {
namespace {

namespace fs = std::filesystem;

struct Fields {
  unsigned mode = 0100644, uid = 0, gid = 0, nlink = 1, mtime = 1234, ino = 7;
  const char* magic = "070701";
  long check = -1;  // -1: the sum of the data bytes
};

// One entry; `name_size` overrides the name's length field when nonzero.
std::string entry(const std::string& name, const std::string& data, Fields f = {},
                  size_t name_size = 0) {
  unsigned sum = 0;
  for (unsigned char c : data) sum += c;
  char hdr[111];
  std::snprintf(hdr, sizeof hdr, "%s%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
                f.magic, f.ino, f.mode, f.uid, f.gid, f.nlink, f.mtime, data.size(), 1u, 2u, 0u,
                0u, name_size ? name_size : name.size() + 1,
                f.check < 0 ? sum : unsigned(f.check));
  std::string out = hdr + name + '\0';
  out.append((4 - out.size() % 4) % 4, '\0');
  out += data;
  out.append((4 - out.size() % 4) % 4, '\0');
  return out;
}

std::string trailer() { return entry("TRAILER!!!", "", Fields{.mode = 0}); }

std::string sample() {
  return entry(".kiln", "", Fields{.mode = 040755}) +
         entry("./.kiln/manifest.json", "{\"v\":1}") +
         entry("/bin/x", "ELF!!", Fields{.mode = 0100755, .uid = 5, .gid = 6}) + trailer();
}

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
std::string name_of(const Entry& e) { return std::string(e.name, e.name_len); }
std::string data_of(const Entry& e) { return std::string(reinterpret_cast<const char*>(e.data), e.size); }

// Reads every entry; returns how the archive ended.
Error read_all(const std::string& a, std::map<std::string, Entry>* out = nullptr) {
  Reader r(bytes(a), a.size());
  Entry e;
  Error err;
  while ((err = r.next(&e)) == Error::None)
    if (out) (*out)[name_of(e)] = e;
  return err;
}

TEST(Cpio, IteratesEntriesAndStripsPrefixes) {
  std::string a = sample();
  Reader r(bytes(a), a.size());
  Entry e;
  ASSERT_EQ(r.next(&e), Error::None);
  EXPECT_EQ(name_of(e), ".kiln");
  EXPECT_EQ(e.mode, 040755u);
  EXPECT_EQ(e.size, 0u);
  ASSERT_EQ(r.next(&e), Error::None);
  EXPECT_EQ(name_of(e), ".kiln/manifest.json");
  EXPECT_EQ(data_of(e), "{\"v\":1}");
  EXPECT_EQ(e.mtime, 1234u);
  EXPECT_EQ(e.ino, 7u);
  EXPECT_EQ(e.nlink, 1u);
  EXPECT_EQ(e.dev_major, 1u);
  EXPECT_EQ(e.dev_minor, 2u);
  ASSERT_EQ(r.next(&e), Error::None);
  EXPECT_EQ(name_of(e), "bin/x");
  EXPECT_EQ(e.mode, 0100755u);
  EXPECT_EQ(e.uid, 5u);
  EXPECT_EQ(e.gid, 6u);
  EXPECT_EQ(r.next(&e), Error::NotFound);  // the trailer ends it
  EXPECT_EQ(r.next(&e), Error::NotFound);
}

TEST(Cpio, Find) {
  std::string a = sample();
  Entry e;
  ASSERT_EQ(find(bytes(a), a.size(), "bin/x", &e), Error::None);
  EXPECT_EQ(e.size, 5u);
  ASSERT_EQ(find(bytes(a), a.size(), "/bin/x", &e), Error::None);
  EXPECT_EQ(name_of(e), "bin/x");
  ASSERT_EQ(find(bytes(a), a.size(), "./.kiln/manifest.json", &e), Error::None);
  EXPECT_EQ(find(bytes(a), a.size(), "bin/y", &e), Error::NotFound);
  EXPECT_EQ(find(bytes(a), a.size(), "bin", &e), Error::NotFound);
  EXPECT_EQ(find(bytes(a), a.size(), "bin/x/", &e), Error::NotFound);
  std::string cut = a.substr(0, 120);
  EXPECT_EQ(find(bytes(cut), cut.size(), "bin/x", &e), Error::Truncated);
}

TEST(Cpio, NamesAndPaddingOfEveryLength) {
  // Header plus name, and data, are each padded to 4 bytes: try every phase.
  std::string a;
  for (size_t n = 1; n <= 9; n++)
    for (size_t d = 0; d <= 5; d++) a += entry(std::string(n, 'a' + char(d)), std::string(d, 'x'));
  a += trailer();
  std::map<std::string, Entry> got;
  ASSERT_EQ(read_all(a, &got), Error::NotFound);
  ASSERT_EQ(got.size(), 54u);
  for (size_t n = 1; n <= 9; n++)
    for (size_t d = 0; d <= 5; d++)
      EXPECT_EQ(data_of(got.at(std::string(n, 'a' + char(d)))), std::string(d, 'x'));
}

TEST(Cpio, RootAndPrefixedNames) {
  std::string a = entry(".", "", Fields{.mode = 040755}) + entry("/", "") +
                  entry(".//a", "") + entry("/./b", "") + entry("..", "") + trailer();
  Reader r(bytes(a), a.size());
  Entry e;
  for (const char* want : {"", "", "a", "b", ".."}) {
    ASSERT_EQ(r.next(&e), Error::None);
    EXPECT_EQ(name_of(e), want);
  }
  EXPECT_EQ(r.next(&e), Error::NotFound);
}

TEST(Cpio, ChecksummedFormat) {
  Fields crc{.magic = "070702"};
  std::string good = entry("f", "abc", crc) + trailer();
  std::map<std::string, Entry> got;
  ASSERT_EQ(read_all(good, &got), Error::NotFound);
  EXPECT_EQ(data_of(got.at("f")), "abc");
  crc.check = 0x61 + 0x62 + 0x63 + 1;
  EXPECT_EQ(read_all(entry("f", "abc", crc) + trailer()), Error::BadChecksum);
  // newc (070701) ignores the field.
  EXPECT_EQ(read_all(entry("f", "abc", Fields{.check = 99}) + trailer()), Error::NotFound);
}

TEST(Cpio, EveryTruncationIsAnError) {
  std::string a = sample();
  size_t end = a.size();
  a.append(512, '\0');  // cpio pads its output to blocks after the trailer
  for (size_t n = 0; n < end; n++) EXPECT_EQ(read_all(a.substr(0, n)), Error::Truncated) << n;
  for (size_t n = end; n <= a.size(); n++) EXPECT_EQ(read_all(a.substr(0, n)), Error::NotFound);
}

TEST(Cpio, CorruptHeaders) {
  std::string a = sample();
  Entry e;
  auto first = [&](const std::string& s) { return Reader(bytes(s), s.size()).next(&e); };
  std::string bad_magic = a;
  bad_magic[5] = '7';
  EXPECT_EQ(first(bad_magic), Error::BadMagic);
  EXPECT_EQ(first("070707" + a.substr(6)), Error::BadMagic);  // the old binary-ish format
  std::string bad_hex = a;
  bad_hex[20] = 'g';
  EXPECT_EQ(first(bad_hex), Error::BadField);
  std::string blank = a;
  blank[6] = ' ';
  EXPECT_EQ(first(blank), Error::BadField);
  std::string huge = a;
  huge.replace(6 + 8 * 6, 8, "7fffffff");  // file size beyond the archive
  EXPECT_EQ(first(huge), Error::Truncated);
  std::string max = a;
  max.replace(6 + 8 * 6, 8, "ffffffff");
  EXPECT_EQ(first(max), Error::Truncated);
  EXPECT_EQ(first(entry("abc", "", {}, 3) + trailer()), Error::BadName);  // "ab" + 'c', no NUL
  EXPECT_EQ(first(entry("", "", {}, 0).replace(6 + 8 * 11, 8, "00000000")), Error::BadName);
  EXPECT_EQ(first(entry(std::string("a\0b", 3), "") + trailer()), Error::BadName);
  std::string name_huge = a;
  name_huge.replace(6 + 8 * 11, 8, "ffffffff");
  EXPECT_EQ(first(name_huge), Error::Truncated);
}

TEST(Cpio, ErrorsAreFinal) {
  std::string a = sample();
  std::string bad = a.substr(0, 110 + 8) + "garbage!" + a.substr(110 + 16);
  Reader r(bytes(bad), bad.size());
  Entry e;
  Error first = r.next(&e);
  ASSERT_EQ(first, Error::None);
  Error second = r.next(&e);
  EXPECT_NE(second, Error::None);
  EXPECT_EQ(r.next(&e), second);
  EXPECT_EQ(r.next(&e), second);
}

TEST(Cpio, MissingTrailerIsTruncation) {
  std::string a = entry("a", "1") + entry("b", "22");
  EXPECT_EQ(read_all(a), Error::Truncated);
  EXPECT_EQ(read_all(""), Error::Truncated);
}

// Every byte of the archive flipped three ways: the reader never hands out
// a pointer outside the archive, nor a name holding a NUL.
TEST(Cpio, ByteFlipsStayInBounds) {
  std::string a = sample();
  for (size_t at = 0; at < a.size(); at++) {
    for (char flip : {'\x01', '\x40', '\xff'}) {
      std::string d = a;
      d[at] ^= flip;
      const char* lo = d.data();
      const char* hi = d.data() + d.size();
      Reader r(bytes(d), d.size());
      Entry e;
      for (int n = 0; n < 8 && r.next(&e) == Error::None; n++) {
        ASSERT_TRUE(e.name >= lo && e.name + e.name_len <= hi) << at;
        ASSERT_TRUE(reinterpret_cast<const char*>(e.data) >= lo &&
                    reinterpret_cast<const char*>(e.data) + e.size <= hi) << at;
        ASSERT_EQ(name_of(e).find('\0'), std::string::npos) << at;
      }
    }
  }
}

// --- Archives written by the real tool: GNU cpio if installed, else
// BusyBox's (a build dependency, see scripts/setup-deps.sh).

std::string cpio_tool() {
  if (std::system("command -v cpio >/dev/null 2>&1") == 0) return "cpio";
  if (std::system("busybox cpio --help >/dev/null 2>&1") == 0) return "busybox cpio";
  return "";
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class CpioTool : public testing::Test {
 protected:
  void SetUp() override {
    tool_ = cpio_tool();
    if (tool_.empty()) GTEST_SKIP() << "neither cpio nor busybox is installed";
    dir_ = fs::temp_directory_path() / ("kiln_cpio_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "tree/etc/deep/er");
    write("etc/hostname", "kiln\n");
    write("etc/deep/er/empty", "");
    write("odd", "12345");
    std::string big;
    for (int i = 0; i < 70000; i++) big += char('a' + i % 26);
    write("big", big);
    fs::create_symlink("etc/hostname", dir_ / "tree/link");
    fs::permissions(dir_ / "tree/odd", fs::perms(0640));
    fs::permissions(dir_ / "tree/etc/deep", fs::perms(0700));
    std::string cmd = "cd '" + (dir_ / "tree").string() + "' && find . | sort | " + tool_ +
                      " -o -H newc > ../archive.cpio 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    archive_ = slurp(dir_ / "archive.cpio");
    ASSERT_GT(archive_.size(), 70000u);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& data) {
    std::ofstream(dir_ / "tree" / name, std::ios::binary) << data;
  }

  std::string tool_, archive_;
  fs::path dir_;
};

TEST_F(CpioTool, EntriesMatchTheFiles) {
  std::map<std::string, Entry> got;
  ASSERT_EQ(read_all(archive_, &got), Error::NotFound);
  const char* names[] = {"", "big", "etc", "etc/deep", "etc/deep/er", "etc/deep/er/empty",
                         "etc/hostname", "link", "odd"};
  ASSERT_EQ(got.size(), std::size(names));
  for (const char* name : names) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(got.count(name));
    const Entry& e = got.at(name);
    struct stat st;
    ASSERT_EQ(lstat((dir_ / "tree" / name).c_str(), &st), 0);
    EXPECT_EQ(e.mode, st.st_mode);
    EXPECT_EQ(e.uid, st.st_uid);
    EXPECT_EQ(e.gid, st.st_gid);
    EXPECT_EQ(e.mtime, uint32_t(st.st_mtime));
    if (S_ISREG(st.st_mode)) {
      EXPECT_EQ(data_of(e), slurp(dir_ / "tree" / name));
    }
  }
  EXPECT_EQ(data_of(got.at("link")), "etc/hostname");  // a symlink's data is its target
  EXPECT_EQ(got.at("odd").mode, 0100640u);
  EXPECT_EQ(got.at("etc/deep").mode, 040700u);
  Entry e;
  ASSERT_EQ(find(bytes(archive_), archive_.size(), "/etc/deep/er/empty", &e), Error::None);
  EXPECT_EQ(e.size, 0u);
}

TEST_F(CpioTool, EveryTruncationIsAnError) {
  std::map<std::string, Entry> got;
  ASSERT_EQ(read_all(archive_, &got), Error::NotFound);
  // The trailer entry: a header, "TRAILER!!!\0", padding to 4 bytes.
  size_t name_at = archive_.rfind("TRAILER!!!");
  ASSERT_NE(name_at, std::string::npos);
  size_t end = (name_at + 11 + 3) & ~size_t(3);
  for (size_t n = 0; n < end; n += (n < 1024 || n > end - 1024) ? 1 : 997)
    EXPECT_EQ(read_all(archive_.substr(0, n)), Error::Truncated) << n;
  EXPECT_EQ(read_all(archive_.substr(0, end)), Error::NotFound);
}

}  // namespace
}  // namespace kiln::cpio
