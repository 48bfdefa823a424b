// ISO 9660 against images made by xorriso from trees made here: Rock Ridge
// (with and without hard-link serial numbers, with relocated directories),
// Joliet, Rock Ridge with Joliet, and plain. Every file's content and
// metadata is compared with the source tree.
#include "fs_iso9660_util.h"  // first: kiln's errno names before the C library's macros
#include "fs_iso9660_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

namespace kiln::fs::iso9660_test {
namespace {

enum class Kind { RockRidge, Joliet, Plain };

void put(const std::string& path, const std::string& data, mode_t mode = 0644) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, data.data(), data.size()), ssize_t(data.size()));
  ::close(fd);
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::string read_host(const std::string& path) {
  std::string s;
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return s;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) s.append(buf, size_t(n));
  ::close(fd);
  return s;
}

std::string random_data(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

void mkdirs(const std::string& path) { std::filesystem::create_directories(path); }

void set_mtime(const std::string& path, time_t t) {
  timespec ts[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << path;
}

std::string deep_path(int levels) {
  std::string p;
  for (int i = 1; i <= levels; i++) p += "/d" + std::to_string(i);
  return p;
}

const std::string kLongName = std::string(251, 'n') + ".txt";  // 255 bytes
const std::string kLongDir = std::string(200, 'D');

// Everything Rock Ridge can say.
void build_rr_tree(const std::string& r) {
  mkdirs(r);
  put(r + "/hello.txt", "hello, world\n");
  set_mtime(r + "/hello.txt", 981173106);  // 2001-02-03 04:05:06 UTC
  put(r + "/empty", "", 0640);
  put(r + "/exec.sh", "#!/bin/sh\necho hi\n", 0755);
  put(r + "/setuid", "s", 04755);
  put(r + "/private", "secret", 0600);
  (void)!::chown((r + "/private").c_str(), 1234, 5678);  // root only; the checks read the source
  put(r + "/big.bin", random_data(3 * 1024 * 1024 + 123, 1));
  put(r + "/blocks.bin", random_data(5 * 2048, 2));
  put(r + "/hard1", "linked content\n");
  mkdirs(r + "/sub");
  ASSERT_EQ(::link((r + "/hard1").c_str(), (r + "/sub/hard2").c_str()), 0);
  ASSERT_EQ(::link((r + "/hard1").c_str(), (r + "/hard3").c_str()), 0);
  put(r + "/" + kLongName, "long name\n");
  mkdirs(r + "/" + kLongDir);
  put(r + "/" + kLongDir + "/inner.txt", "inner\n");
  put(r + "/h\xC3\xA9llo w\xC3\xB6rld \xE2\x98\x83.txt", "unicode\n");
  put(r + "/MixedCase.TXT", "case\n");
  put(r + "/.hidden", "dot\n");
  put(r + "/a.b.c", "dots\n");
  put(r + "/semi;1", "semicolon\n");
  put(r + "/trailingdot.", "trailing\n");
  mkdirs(r + "/sticky");
  ASSERT_EQ(::chmod((r + "/sticky").c_str(), 01777), 0);
  mkdirs(r + "/links");
  std::string long_target;  // xorriso refuses targets over 1024 bytes
  for (int i = 0; i < 80; i++) long_target += (i ? "/" : "") + std::string("component") + std::to_string(i);
  std::map<std::string, std::string> links = {
      {"abs", "/etc/passwd"},       {"rel", "../x/y"},          {"dot", "."},
      {"dotdot", ".."},             {"root", "/"},              {"dangling", "nowhere/at/all"},
      {"long", long_target},        {"tolong", "../" + kLongName}, {"up3", "../../../a"},
      {"mixed", "/usr/./lib/../share"}, {"longcomp", std::string(250, 'c') + "/x"},
  };
  for (auto& [name, target] : links)
    ASSERT_EQ(::symlink(target.c_str(), (r + "/links/" + name).c_str()), 0) << name;
  mkdirs(r + deep_path(20));
  put(r + deep_path(20) + "/leaf.txt", "deep leaf\n");
  put(r + deep_path(9) + "/mid.txt", "middle\n");
  mkdirs(r + "/many");
  for (int i = 0; i < 300; i++) {
    char name[64];
    std::snprintf(name, sizeof name, "/many/file-with-a-longer-name-%03d", i);
    put(r + name, std::to_string(i));
  }
  ASSERT_EQ(::mkfifo((r + "/fifo").c_str(), 0620), 0);
  set_mtime(r + "/sub", 1000000000);
}

// What Joliet can hold: no symlinks, special files or hard-link identity.
void build_joliet_tree(const std::string& r) {
  mkdirs(r + "/Sub");
  put(r + "/Sub/MixedCase.TXT", "case\n");
  put(r + "/h\xC3\xA9llo w\xC3\xB6rld \xE2\x98\x83.txt", "unicode\n");
  put(r + "/" + std::string(64, 'j'), "64 characters\n");
  put(r + "/" + std::string(100, 'k') + ".txt", "over the 64 of the standard\n");
  put(r + "/makefile", "all:\n");
  put(r + "/empty", "");
  put(r + "/big.bin", random_data(1024 * 1024 + 7, 3));
  mkdirs(r + deep_path(10));
  put(r + deep_path(10) + "/leaf.txt", "deep leaf\n");
  mkdirs(r + "/many");
  for (int i = 0; i < 150; i++) put(r + "/many/f" + std::to_string(i) + ".dat", std::to_string(i));
  set_mtime(r + "/makefile", 981173106);
}

// ISO level 1 names that read back the same in lower case.
void build_plain_tree(const std::string& r) {
  mkdirs(r + "/dir1/sub2");
  put(r + "/readme.txt", "read me\n");
  put(r + "/makefile", "all:\n");
  put(r + "/dir1/sub2/file.c", "int main() {}\n");
  put(r + "/big.bin", random_data(700 * 1024 + 1, 4));
  put(r + "/empty", "");
  mkdirs(r + deep_path(7));
  put(r + deep_path(7) + "/leaf.txt", "deep\n");
  mkdirs(r + "/many");
  for (int i = 0; i < 120; i++) put(r + "/many/f" + std::to_string(i) + ".dat", std::to_string(i));
  set_mtime(r + "/readme.txt", 981173106);
}

// A little of everything, for the corruption tests.
void build_small_tree(const std::string& r) {
  mkdirs(r + "/sub/deeper");
  put(r + "/hello.txt", "hello, world\n");
  put(r + "/sub/deeper/data.bin", random_data(10000, 5));
  put(r + "/" + kLongName, "long name\n");
  ASSERT_EQ(::symlink("../hello.txt", (r + "/sub/up").c_str()), 0);
  std::string target;
  for (int i = 0; i < 40; i++) target += "/component" + std::to_string(i);
  ASSERT_EQ(::symlink(target.c_str(), (r + "/long-link").c_str()), 0);
  ASSERT_EQ(::link((r + "/hello.txt").c_str(), (r + "/sub/hard").c_str()), 0);
  mkdirs(r + "/many");
  for (int i = 0; i < 40; i++) put(r + "/many/entry-" + std::to_string(i), std::to_string(i));
  mkdirs(r + deep_path(10));
}

std::vector<uint8_t> read_image(const std::string& path) {
  std::string s = read_host(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

// Compares a kiln directory tree with the host tree it was made from.
class TreeChecker {
 public:
  TreeChecker(Kind kind, bool px_ino, size_t batch) : kind_(kind), px_ino_(px_ino), batch_(batch) {}

  void check_dir(Node* kdir, const std::string& host, uint64_t parent_ino, int depth) {
    SCOPED_TRACE(host);
    ASSERT_LT(depth, 64);
    Attr self;
    ASSERT_EQ(kdir->getattr(&self), 0);
    std::vector<DirEnt> ents;
    ASSERT_EQ(list_dir(kdir, &ents, batch_), 0);
    ASSERT_GE(ents.size(), 2u);
    EXPECT_EQ(ents[0].name, ".");
    EXPECT_EQ(ents[0].ino, self.ino);
    EXPECT_EQ(ents[1].name, "..");
    EXPECT_EQ(ents[1].ino, parent_ino);
    std::set<std::string> kiln_names, host_names;
    for (size_t i = 2; i < ents.size(); i++)
      EXPECT_TRUE(kiln_names.insert(ents[i].name).second) << "twice: " << ents[i].name;
    DIR* d = ::opendir(host.c_str());
    ASSERT_NE(d, nullptr);
    while (dirent* de = ::readdir(d)) {
      std::string n = de->d_name;
      if (n != "." && n != "..") host_names.insert(n);
    }
    ::closedir(d);
    EXPECT_EQ(kiln_names, host_names);

    NodeRef dot, dotdot;
    ASSERT_EQ(lookup(kdir, ".", &dot), 0);
    ASSERT_EQ(lookup(kdir, "..", &dotdot), 0);
    Attr a;
    dot->getattr(&a);
    EXPECT_EQ(a.ino, self.ino);
    dotdot->getattr(&a);
    EXPECT_EQ(a.ino, parent_ino);
    NodeRef missing;
    EXPECT_EQ(lookup(kdir, "no such entry", &missing), -ENOENT);

    for (size_t i = 2; i < ents.size(); i++) {
      if (!host_names.count(ents[i].name)) continue;
      check_entry(kdir, ents[i], host + "/" + ents[i].name, self.ino, depth);
    }
  }

  int files = 0, dirs = 0, symlinks = 0, others = 0;

 private:
  void check_entry(Node* kdir, const DirEnt& ent, const std::string& path, uint64_t dir_ino,
                   int depth) {
    SCOPED_TRACE(path);
    NodeRef child;
    ASSERT_EQ(lookup(kdir, ent.name, &child), 0);
    Attr a;
    ASSERT_EQ(child->getattr(&a), 0);
    struct stat st;
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_EQ(a.ino, ent.ino);
    EXPECT_EQ(child->ino, a.ino);
    EXPECT_EQ(ent.type, dtype_of(a.mode));
    EXPECT_EQ(a.mode & kS_IFMT, st.st_mode & S_IFMT);
    bool dir = S_ISDIR(st.st_mode);
    if (kind_ == Kind::RockRidge) {
      EXPECT_EQ(a.mode, st.st_mode);
      EXPECT_EQ(a.uid, st.st_uid);
      EXPECT_EQ(a.gid, st.st_gid);
      if (!dir) {
        EXPECT_EQ(a.nlink, st.st_nlink);
      }
      EXPECT_EQ(a.mtime.sec, st.st_mtim.tv_sec);
      EXPECT_EQ(a.ctime.sec, st.st_ctim.tv_sec);
    } else {
      EXPECT_EQ(a.mode, (dir ? kS_IFDIR : kS_IFREG) | 0555);
      EXPECT_EQ(a.nlink, 1u);
      EXPECT_EQ(a.uid, 0u);
      EXPECT_EQ(a.gid, 0u);
      EXPECT_EQ(a.mtime.sec, st.st_mtim.tv_sec);
    }
    EXPECT_EQ(a.blksize, 2048u);
    // Inode numbers: one per source file (hard links share one only with serial numbers).
    auto [it, fresh] = kiln_to_host_.emplace(a.ino, st.st_ino);
    if (!fresh) {
      EXPECT_EQ(it->second, st.st_ino) << "inode number " << a.ino << " reused";
      EXPECT_TRUE(px_ino_) << "hard links share an inode number only with PX serial numbers";
    }
    if (S_ISREG(st.st_mode)) {
      files++;
      EXPECT_EQ(a.size, uint64_t(st.st_size));
      EXPECT_EQ(a.blocks, (a.size + 511) / 512);
      std::string want = read_host(path);
      std::string got;
      ASSERT_EQ(read_all(child.get(), &got, want.size() > 100000 ? 65536 : 7), 0);
      EXPECT_TRUE(got == want) << "content differs, " << got.size() << " vs " << want.size();
      if (want.size() > 100000) {
        std::string odd;
        ASSERT_EQ(read_all(child.get(), &odd, 3001), 0);
        EXPECT_TRUE(odd == want);
        char c;
        EXPECT_EQ(child->read(a.size, &c, 1), 0);
        EXPECT_EQ(child->read(a.size + 100000, &c, 1), 0);
      }
      NodeRef none;
      EXPECT_EQ(lookup(child.get(), "x", &none), -ENOTDIR);
    } else if (S_ISLNK(st.st_mode)) {
      symlinks++;
      char want[4096], got[4096];
      ssize_t n = ::readlink(path.c_str(), want, sizeof want);
      ASSERT_GT(n, 0);
      EXPECT_EQ(a.size, uint64_t(n));
      long m = child->readlink(got, sizeof got);
      ASSERT_EQ(m, n);
      EXPECT_EQ(std::string(got, size_t(m)), std::string(want, size_t(n)));
      EXPECT_EQ(child->readlink(got, 3), n < 3 ? n : 3);  // cut to the buffer
    } else if (dir) {
      dirs++;
      EXPECT_EQ(a.size % 2048, 0u);
      EXPECT_GT(a.size, 0u);
      EXPECT_GE(a.nlink, 1u);
      char c;
      EXPECT_EQ(child->read(0, &c, 1), -EISDIR);
      check_dir(child.get(), path, dir_ino, depth + 1);
    } else {
      others++;
    }
  }

  Kind kind_;
  bool px_ino_;
  size_t batch_;
  std::map<uint64_t, ino_t> kiln_to_host_;
};

// The trees and images, made once for all tests.
class Iso9660Images : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (sh("command -v xorriso >/dev/null 2>&1") != 0) return;
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    build_rr_tree(dir_ + "/rr");
    build_joliet_tree(dir_ + "/joliet");
    build_plain_tree(dir_ + "/plain");
    build_small_tree(dir_ + "/small");
    ok_ = mkisofs("-R", image("rr"), dir_ + "/rr") &&
          mkisofs("-R --hardlinks", image("rr_hardlinks"), dir_ + "/rr") &&
          mkisofs("-R -rr_reloc_dir rr_moved", image("rr_reloc"), dir_ + "/rr") &&
          mkisofs("-R -J -joliet-long", image("rr_joliet"), dir_ + "/rr") &&
          mkisofs("--norock -J -joliet-long", image("joliet"), dir_ + "/joliet") &&
          mkisofs("--norock", image("plain"), dir_ + "/plain") &&
          mkisofs("-R -J -rr_reloc_dir rr_moved", image("small"), dir_ + "/small");
  }
  static void TearDownTestSuite() {
    if (!dir_.empty() && !getenv("KILN_KEEP_TEST_FILES")) sh("rm -rf " + shell_quote(dir_));
  }
  void SetUp() override {
    if (dir_.empty()) GTEST_SKIP() << "xorriso is not installed";
    ASSERT_TRUE(ok_) << "xorriso failed";
  }
  static std::string image(const std::string& name) { return dir_ + "/" + name + ".iso"; }
  static std::string source(const std::string& name) { return dir_ + "/" + name; }

  static void check_image(const std::string& name, const std::string& tree, Kind kind,
                          bool px_ino, size_t batch = 1000000) {
    Mounted m(image(name));
    ASSERT_EQ(m.error, 0) << m.why;
    EXPECT_TRUE(m.fs->read_only());
    EXPECT_STREQ(m.fs->type_name(), "iso9660");
    Attr root;
    ASSERT_EQ(m.root->getattr(&root), 0);
    EXPECT_EQ(root.mode & kS_IFMT, kS_IFDIR);
    TreeChecker checker(kind, px_ino, batch);
    checker.check_dir(m.root.get(), source(tree), root.ino, 0);
    EXPECT_GT(checker.files, 100);
    EXPECT_GT(checker.dirs, 5);
    if (kind == Kind::RockRidge) {
      EXPECT_EQ(checker.symlinks, 11);
      EXPECT_EQ(checker.others, 1);  // the fifo
    }
  }

  static std::string dir_;
  static bool ok_;
};

std::string Iso9660Images::dir_;
bool Iso9660Images::ok_ = false;

TEST_F(Iso9660Images, RockRidgeTreeMatchesSource) {
  check_image("rr", "rr", Kind::RockRidge, false);
}

TEST_F(Iso9660Images, RockRidgeSerialNumbersJoinHardLinks) {
  check_image("rr_hardlinks", "rr", Kind::RockRidge, true);
  Mounted m(image("rr_hardlinks"));
  ASSERT_EQ(m.error, 0);
  NodeRef a, b, c;
  ASSERT_EQ(walk(m.root.get(), "hard1", &a), 0);
  ASSERT_EQ(walk(m.root.get(), "sub/hard2", &b), 0);
  ASSERT_EQ(walk(m.root.get(), "hard3", &c), 0);
  Attr x, y, z;
  a->getattr(&x), b->getattr(&y), c->getattr(&z);
  EXPECT_EQ(x.ino, y.ino);
  EXPECT_EQ(x.ino, z.ino);
  EXPECT_EQ(x.nlink, 3u);
}

TEST_F(Iso9660Images, RockRidgeRelocatedDirectoriesAppearInPlace) {
  check_image("rr_reloc", "rr", Kind::RockRidge, false);
  Mounted m(image("rr_reloc"));
  ASSERT_EQ(m.error, 0);
  NodeRef leaf, up;
  ASSERT_EQ(walk(m.root.get(), "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20/leaf.txt", &leaf), 0);
  // ".." of a relocated directory is where it appears, not rr_moved.
  NodeRef d9, d8;
  ASSERT_EQ(walk(m.root.get(), "d1/d2/d3/d4/d5/d6/d7/d8/d9", &d9), 0);
  ASSERT_EQ(walk(m.root.get(), "d1/d2/d3/d4/d5/d6/d7/d8", &d8), 0);
  ASSERT_EQ(lookup(d9.get(), "..", &up), 0);
  Attr a, b;
  up->getattr(&a), d8->getattr(&b);
  EXPECT_EQ(a.ino, b.ino);
  NodeRef moved;
  EXPECT_EQ(lookup(m.root.get(), "rr_moved", &moved), -ENOENT);
}

TEST_F(Iso9660Images, RockRidgeWinsOverJoliet) {
  check_image("rr_joliet", "rr", Kind::RockRidge, false);
}

TEST_F(Iso9660Images, JolietTreeMatchesSource) {
  check_image("joliet", "joliet", Kind::Joliet, false);
}

TEST_F(Iso9660Images, JolietLookupIgnoresAsciiCase) {
  Mounted m(image("joliet"));
  ASSERT_EQ(m.error, 0);
  NodeRef exact, relaxed;
  ASSERT_EQ(walk(m.root.get(), "Sub/MixedCase.TXT", &exact), 0);
  ASSERT_EQ(walk(m.root.get(), "sub/mixedcase.txt", &relaxed), 0);
  Attr a, b;
  exact->getattr(&a), relaxed->getattr(&b);
  EXPECT_EQ(a.ino, b.ino);
}

TEST_F(Iso9660Images, PlainNamesReadAsLinuxMapNormal) {
  check_image("plain", "plain", Kind::Plain, false);
  Mounted m(image("plain"));
  ASSERT_EQ(m.error, 0);
  NodeRef upper;
  EXPECT_EQ(lookup(m.root.get(), "README.TXT", &upper), -ENOENT);  // lower case only
}

TEST_F(Iso9660Images, ReaddirResumesFromCookies) {
  check_image("rr", "rr", Kind::RockRidge, false, 1);
  check_image("joliet", "joliet", Kind::Joliet, false, 3);
}

TEST_F(Iso9660Images, StatfsProbeAndRoot) {
  Mounted m(image("rr"));
  ASSERT_EQ(m.error, 0);
  StatFs s;
  ASSERT_EQ(m.fs->statfs(&s), 0);
  EXPECT_EQ(s.type, 0x9660u);
  EXPECT_EQ(s.block_size, 2048u);
  struct stat st;
  ASSERT_EQ(::stat(image("rr").c_str(), &st), 0);
  EXPECT_EQ(s.blocks, uint64_t(st.st_size) / 2048);
  EXPECT_EQ(s.blocks_free, 0u);
  EXPECT_EQ(s.blocks_avail, 0u);
  EXPECT_EQ(s.name_max, 255u);
  EXPECT_TRUE(s.read_only);
  EXPECT_TRUE(iso9660_probe(m.dev.get()));
  // Two roots are the same node; ".." of the root is the root.
  NodeRef again(m.fs->root()), up;
  EXPECT_EQ(again.get(), m.root.get());
  ASSERT_EQ(lookup(m.root.get(), "..", &up), 0);
  EXPECT_EQ(up.get(), m.root.get());
  // Nothing of a read-only file system can change.
  NodeRef file;
  ASSERT_EQ(lookup(m.root.get(), "hello.txt", &file), 0);
  EXPECT_LT(file->write(0, "x", 1), 0);
  Node* made = nullptr;
  EXPECT_LT(m.root->create("new", 3, kS_IFREG | 0644, 0, &made), 0);
  EXPECT_LT(m.root->remove("hello.txt", 9, false), 0);
  Attr a;
  file->getattr(&a);
  EXPECT_EQ(a.mtime.sec, 981173106);
  EXPECT_EQ(a.mtime.nsec, 0);
}

TEST_F(Iso9660Images, NotIso9660) {
  std::string path = dir_ + "/zeros.img";
  put(path, std::string(1 << 20, '\0'));
  FileBlockDevice dev(path);
  EXPECT_FALSE(iso9660_probe(&dev));
  FileSystem* fs = nullptr;
  const char* why = nullptr;
  EXPECT_EQ(iso9660_mount(&dev, &fs, &why), -EINVAL);
  ASSERT_NE(why, nullptr);
  EXPECT_NE(std::string(why).find("CD001"), std::string::npos);
  put(path, "tiny");
  FileBlockDevice tiny(path);
  EXPECT_FALSE(iso9660_probe(&tiny));
  EXPECT_EQ(iso9660_mount(&tiny, &fs, &why), -EINVAL);
}

TEST_F(Iso9660Images, ReadsGoThroughTheCache) {
  Mounted m(image("rr"));
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(lookup(m.root.get(), "hello.txt", &f), 0);
  char buf[16];
  ASSERT_EQ(f->read(0, buf, sizeof buf), 13);
  uint64_t before = m.dev->reads;
  for (int i = 0; i < 100; i++) ASSERT_EQ(f->read(1, buf, 4), 4);
  EXPECT_EQ(m.dev->reads, before);
  EXPECT_EQ(std::string(buf, 4), "ello");
}

// File data through the file cache: a second read of a file that fits in
// the budget reads nothing from the device; one that does not fit still
// reads right, chunk by chunk, at odd offsets.
TEST_F(Iso9660Images, FileDataCache) {
  std::string want = random_data(3 * 1024 * 1024 + 123, 1);
  for (size_t budget : {size_t(8) << 20, size_t(64) << 10}) {
    FileBlockDevice dev(image("rr"));
    FileSystem* fs = nullptr;
    ASSERT_EQ(iso9660_mount(&dev, &fs, nullptr, budget), 0);
    NodeRef root(fs->root());
    NodeRef f;
    ASSERT_EQ(lookup(root.get(), "big.bin", &f), 0);
    std::string first, second;
    ASSERT_EQ(read_all(f.get(), &first), 0);
    uint64_t reads = dev.reads;
    ASSERT_EQ(read_all(f.get(), &second, 3 * 2048 + 5), 0);  // chunks straddled
    EXPECT_TRUE(first == want) << budget;
    EXPECT_TRUE(second == want) << budget;
    if (budget > want.size()) EXPECT_EQ(dev.reads, reads);
    else EXPECT_GT(dev.reads, reads);
    f.reset();
    root.reset();
    delete fs;
  }
}

TEST_F(Iso9660Images, TruncatedImagesGiveErrors) {
  auto img = read_image(image("small"));
  ASSERT_GT(img.size(), 40u * 2048);
  WalkStats whole;
  {
    MemBlockDevice dev(img);
    FileSystem* fs;
    ASSERT_EQ(iso9660_mount(&dev, &fs, nullptr), 0);
    NodeRef root(fs->root());
    walk_node(root.get(), 0, WalkLimits{}, &whole);
    root.reset();
    delete fs;
  }
  EXPECT_EQ(whole.errors, 0);
  EXPECT_GT(whole.files, 40);
  // Past the last byte of data there is only padding.
  size_t used = img.size();
  while (used > 0 && img[used - 1] == 0) used--;
  int mounted = 0, failed_walks = 0;
  for (size_t size = 0; size <= img.size(); size += 1024) {
    MemBlockDevice dev(img.data(), size);
    FileSystem* fs = nullptr;
    const char* why = nullptr;
    long r = iso9660_mount(&dev, &fs, &why);
    if (size < 17 * 2048) {
      EXPECT_NE(r, 0);
    }
    if (r) {
      EXPECT_TRUE(r == -EINVAL || r == -EIO) << r;
      continue;
    }
    mounted++;
    NodeRef root(fs->root());
    WalkStats st;
    walk_node(root.get(), 0, WalkLimits{}, &st);
    if (st.errors) failed_walks++;
    if (size + 2048 <= used) {
      EXPECT_TRUE(st.errors > 0 || st.bytes < whole.bytes) << "truncated at " << size;
    }
    root.reset();
    delete fs;
  }
  EXPECT_GT(mounted, 10);
  EXPECT_GT(failed_walks, 10);
}

TEST_F(Iso9660Images, FlippedBytesNeverCrash) {
  auto img = read_image(image("small"));
  std::mt19937 rng(9660);
  int mounted = 0;
  for (int round = 0; round < 400; round++) {
    auto bad = img;
    int flips = 1 + int(rng() % 8);
    for (int i = 0; i < flips; i++) {
      size_t at = 16 * 2048 + rng() % (40 * 2048);
      bad[at] = uint8_t(rng() % 3 == 0 ? bad[at] ^ (1u << (rng() % 8)) : rng());
    }
    MemBlockDevice dev(bad);
    FileSystem* fs = nullptr;
    if (iso9660_mount(&dev, &fs, nullptr) != 0) continue;
    mounted++;
    NodeRef root(fs->root());
    WalkStats st;
    walk_node(root.get(), 0, WalkLimits{}, &st);
    root.reset();
    delete fs;
  }
  EXPECT_GT(mounted, 200);
}

}  // namespace
}  // namespace kiln::fs::iso9660_test
