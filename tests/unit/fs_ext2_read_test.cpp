// ext2 read paths against images made by mke2fs -d from trees made here:
// 1, 2 and 4 KiB blocks, revision 0, 128-byte inodes, flex_bg, hashed
// directories; every file's content and metadata is compared with the
// source tree, byte for byte. Feature handling: what is refused, what is
// mounted read-only.
#include "fs_ext2_util.h"  // first: kiln's errno names before the C library's macros

#include <dirent.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include <map>
#include <set>

namespace kiln::fs::ext2_test {
namespace {

namespace sfs = std::filesystem;

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

// Writes `data` at `offset` into a (sparse) host file.
void put_at(const std::string& path, uint64_t offset, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, data.data(), data.size(), off_t(offset)), ssize_t(data.size()));
  ::close(fd);
}

// Everything mke2fs -d copies: files of many sizes (direct, indirect,
// double indirect), sparse files, empty files, hard links, fast and slow
// symlinks, fifos, deep and wide directories, long names, odd modes.
void build_tree(const std::string& r) {
  sfs::create_directories(r + "/sub/deeper/deepest");
  put(r + "/hello.txt", "hello, world\n");
  put(r + "/empty", "", 0600);
  put(r + "/exec.sh", "#!/bin/sh\necho hi\n", 0755);
  put(r + "/setuid", "s", 04755);
  put(r + "/sticky", "t", 01777);
  for (size_t n : {1u, 511u, 1023u, 1024u, 1025u, 4095u, 4096u, 4097u, 12288u, 12289u, 300000u})
    put(r + "/size_" + std::to_string(n), random_data(n, uint32_t(n)));
  put(r + "/sub/big.bin", random_data(1500 * 1024 + 7, 99));  // double indirect at 1 KiB
  put_at(r + "/sparse", 5 * 1024 * 1024, "in the middle");
  put_at(r + "/sparse", 20 * 1024 * 1024, "at the end");
  put_at(r + "/sparse_head", 0, "head");
  ASSERT_EQ(::truncate((r + "/sparse_head").c_str(), 3 * 1024 * 1024), 0);
  put(r + "/hard1", "linked content\n");
  ASSERT_EQ(::link((r + "/hard1").c_str(), (r + "/sub/hard2").c_str()), 0);
  ASSERT_EQ(::link((r + "/hard1").c_str(), (r + "/hard3").c_str()), 0);
  ASSERT_EQ(::symlink("hello.txt", (r + "/fast_link").c_str()), 0);
  ASSERT_EQ(::symlink(std::string(59, 'f').c_str(), (r + "/link59").c_str()), 0);
  ASSERT_EQ(::symlink(std::string(60, 's').c_str(), (r + "/link60").c_str()), 0);
  ASSERT_EQ(::symlink((std::string(200, 'x') + "/y").c_str(), (r + "/slow_link").c_str()), 0);
  ASSERT_EQ(::symlink("../hello.txt", (r + "/sub/up").c_str()), 0);
  ASSERT_EQ(::mkfifo((r + "/fifo").c_str(), 0640), 0);
  put(r + "/" + std::string(255, 'n'), "long name");
  put(r + "/sub/deeper/deepest/leaf", "leaf\n");
  sfs::create_directories(r + "/wide");
  for (int i = 0; i < 300; i++) put(r + "/wide/file_with_a_longish_name_" + std::to_string(i), std::to_string(i));
  sfs::create_directories(r + "/emptydir");
  ::chmod((r + "/emptydir").c_str(), 0700);
  timespec ts[2] = {{981173106, 0}, {981173106, 0}};
  ::utimensat(AT_FDCWD, (r + "/hello.txt").c_str(), ts, AT_SYMLINK_NOFOLLOW);
}

// Compares the ext2 node at `path` (relative) with the host's `host`.
void compare(Node* root, const std::string& host, const std::string& path, int* checked) {
  SCOPED_TRACE(path);
  struct stat st;
  ASSERT_EQ(::lstat(host.c_str(), &st), 0);
  NodeRef n;
  ASSERT_EQ(walk(root, path, &n), 0);
  Attr a = attr_of(n.get());
  (*checked)++;
  EXPECT_EQ(a.mode, st.st_mode);
  EXPECT_EQ(a.uid, st.st_uid);
  EXPECT_EQ(a.gid, st.st_gid);
  if (!path.empty()) {
    EXPECT_EQ(a.mtime.sec, st.st_mtim.tv_sec);  // mke2fs touches the root
  }
  if (!S_ISDIR(st.st_mode)) {
    EXPECT_EQ(a.nlink, st.st_nlink);
  }
  EXPECT_EQ(n->ino, a.ino);
  if (S_ISREG(st.st_mode)) {
    EXPECT_EQ(a.size, uint64_t(st.st_size));
    std::string got;
    ASSERT_EQ(read_all(n.get(), &got, 7000), 0);
    EXPECT_TRUE(got == read_host(host)) << "contents differ";
    // Blocks: at most the data plus map blocks; holes do not count.
    EXPECT_LE(a.blocks * 512, (uint64_t(st.st_size) + 4096) * 2 + 65536);
  } else if (S_ISLNK(st.st_mode)) {
    char want[4096], got[4096];
    ssize_t wn = ::readlink(host.c_str(), want, sizeof want);
    long gn = n->readlink(got, sizeof got);
    ASSERT_EQ(gn, long(wn));
    EXPECT_EQ(std::string(got, size_t(gn)), std::string(want, size_t(wn)));
    EXPECT_EQ(a.size, uint64_t(wn));
    // A short buffer gets a prefix.
    EXPECT_EQ(n->readlink(got, 3), std::min<long>(3, gn));
  } else if (S_ISDIR(st.st_mode)) {
    std::vector<DirEnt> ents;
    ASSERT_EQ(list_dir(n.get(), &ents, 7), 0);
    std::set<std::string> want{".", ".."}, got;
    if (path.empty()) want.insert("lost+found");  // mke2fs makes it
    for (auto& e : sfs::directory_iterator(host)) want.insert(e.path().filename().string());
    for (auto& e : ents) {
      EXPECT_TRUE(got.insert(e.name).second) << "twice: " << e.name;
      if (e.name == ".") {
        EXPECT_EQ(e.ino, a.ino);
      }
    }
    EXPECT_EQ(got, want);
    // Subdirectories count in the link count.
    size_t subdirs = 0;
    for (auto& e : sfs::directory_iterator(host))
      if (e.is_directory() && !e.is_symlink()) subdirs++;
    EXPECT_EQ(a.nlink, 2 + subdirs + (path.empty() ? 1 : 0));
    for (auto& e : sfs::directory_iterator(host)) {
      std::string name = e.path().filename().string();
      compare(root, host + "/" + name, path.empty() ? name : path + "/" + name, checked);
    }
  }
}

struct Geometry {
  uint32_t block_size;
  std::string options;
};

class Ext2Read : public ::testing::TestWithParam<Geometry> {};

TEST_P(Ext2Read, TreeMatchesSource) {
  KILN_REQUIRE_E2FSPROGS();
  TempDir t;
  std::string src = t.path + "/src", image = t.path + "/img";
  build_tree(src);
  std::string log;
  ASSERT_TRUE(mkfs(image, GetParam().block_size, 64 * 1024, src, GetParam().options, &log)) << log;
  {
    Mounted m(image, /*read_only=*/true);
    ASSERT_EQ(m.error, 0) << (m.why ? m.why : "");
    EXPECT_TRUE(m.fs->read_only());
    EXPECT_STREQ(m.fs->type_name(), "ext2");
    int checked = 0;
    compare(m.root.get(), src, "", &checked);
    EXPECT_GT(checked, 330);

    // Hard links share the inode.
    NodeRef h1, h2, h3;
    ASSERT_EQ(walk(m.root.get(), "hard1", &h1), 0);
    ASSERT_EQ(walk(m.root.get(), "sub/hard2", &h2), 0);
    ASSERT_EQ(walk(m.root.get(), "hard3", &h3), 0);
    EXPECT_EQ(h1.get(), h2.get());  // one node per inode
    EXPECT_EQ(attr_of(h1.get()).nlink, 3u);
    EXPECT_EQ(attr_of(h3.get()).ino, attr_of(h2.get()).ino);

    // "." and ".." lead where they should.
    NodeRef sub, dot, dotdot, root_dotdot;
    ASSERT_EQ(walk(m.root.get(), "sub/deeper", &sub), 0);
    ASSERT_EQ(lookup(sub.get(), ".", &dot), 0);
    ASSERT_EQ(lookup(sub.get(), "..", &dotdot), 0);
    ASSERT_EQ(lookup(m.root.get(), "..", &root_dotdot), 0);
    EXPECT_EQ(dot.get(), sub.get());
    EXPECT_EQ(root_dotdot.get(), m.root.get());
    NodeRef sub_direct;
    ASSERT_EQ(walk(m.root.get(), "sub", &sub_direct), 0);
    EXPECT_EQ(dotdot.get(), sub_direct.get());

    // Errors.
    NodeRef none;
    EXPECT_EQ(lookup(m.root.get(), "missing", &none), -ENOENT);
    EXPECT_EQ(lookup(m.root.get(), std::string(256, 'n'), &none), -ENAMETOOLONG);
    NodeRef file;
    ASSERT_EQ(walk(m.root.get(), "hello.txt", &file), 0);
    EXPECT_EQ(lookup(file.get(), "x", &none), -ENOTDIR);
    char c;
    EXPECT_EQ(m.root->read(0, &c, 1), -EISDIR);
    EXPECT_EQ(file->readlink(&c, 1), -EINVAL);
    uint64_t cookie = 0;
    EXPECT_EQ(file->readdir(&cookie, [](void*, uint64_t, uint8_t, const char*, size_t, uint64_t) { return true; }, nullptr), -ENOTDIR);
    // Read-only: every change is refused.
    EXPECT_EQ(file->write(0, "x", 1), -EROFS);
    EXPECT_EQ(m.root->create("new", 3, kS_IFREG | 0644, 0, nullptr), -EROFS);
    EXPECT_EQ(m.root->remove("hello.txt", 9, false), -EROFS);
    Attr a;
    a.mode = 0600;
    EXPECT_EQ(file->setattr(a, kSetMode), -EROFS);
    // Reads past the end and at odd offsets.
    EXPECT_EQ(file->read(1000, &c, 1), 0);
    char buf[8];
    EXPECT_EQ(file->read(7, buf, 8), 6);
    EXPECT_EQ(std::string(buf, 6), "world\n");
    // Sparse regions read as zeros.
    NodeRef sparse;
    ASSERT_EQ(walk(m.root.get(), "sparse", &sparse), 0);
    std::string mid(4096, 'x');
    ASSERT_EQ(sparse->read(5 * 1024 * 1024 - 4096, mid.data(), 4096), 4096);
    EXPECT_EQ(mid, std::string(4096, '\0'));
    EXPECT_LT(attr_of(sparse.get()).blocks, 64u);

    StatFs s;
    ASSERT_EQ(m.fs->statfs(&s), 0);
    EXPECT_EQ(s.type, 0xEF53u);
    EXPECT_EQ(s.block_size, GetParam().block_size);
    EXPECT_EQ(s.name_max, 255u);
    EXPECT_TRUE(s.read_only);
    EXPECT_GT(s.blocks_free, 0u);
    EXPECT_LE(s.blocks_free, s.blocks);
    EXPECT_LE(s.blocks_avail, s.blocks_free);
    EXPECT_GT(s.files_free, 0u);
    // statfs agrees with the superblock's counts as dumpe2fs shows them.
    std::string dump;
    run(std::string(KILN_DEBUGFS) + " -R stats " + shell_quote(image), &dump);
    EXPECT_NE(dump.find("Free blocks:              " + std::to_string(s.blocks_free)), std::string::npos) << dump.substr(0, 2000);
    EXPECT_NE(dump.find("Free inodes:              " + std::to_string(s.files_free)), std::string::npos);
  }
  // Read-only mounts never write.
  EXPECT_TRUE(fsck_clean(image));
}

INSTANTIATE_TEST_SUITE_P(Geometries, Ext2Read,
                         ::testing::Values(Geometry{1024, ""}, Geometry{2048, ""}, Geometry{4096, ""},
                                           Geometry{1024, "-I 128"}, Geometry{4096, "-I 128"},
                                           Geometry{1024, "-O flex_bg -g 1024 -N 4096"},
                                           Geometry{1024, "-O ^dir_index,^filetype,^resize_inode,^sparse_super"},
                                           Geometry{1024, "-I 1024"}),
                         [](const ::testing::TestParamInfo<Geometry>& i) {
                           return "b" + std::to_string(i.param.block_size) + "_" + std::to_string(i.index);
                         });

TEST(Ext2Read, RevisionZero) {
  KILN_REQUIRE_E2FSPROGS();
  TempDir t;
  std::string src = t.path + "/src", image = t.path + "/img";
  sfs::create_directories(src + "/d");
  put(src + "/a", "revision zero\n");
  put(src + "/d/b", random_data(70000, 5));
  ASSERT_EQ(::symlink("a", (src + "/l").c_str()), 0);
  std::string log;
  ASSERT_TRUE(mkfs(image, 1024, 4096, src, "-r 0", &log)) << log;
  Mounted m(image, true);
  ASSERT_EQ(m.error, 0) << (m.why ? m.why : "");
  int checked = 0;
  compare(m.root.get(), src, "", &checked);
  EXPECT_EQ(checked, 5);
}

// A hashed (htree) directory made by e2fsck -D reads as a linear one.
TEST(Ext2Read, HashedDirectory) {
  KILN_REQUIRE_E2FSPROGS();
  TempDir t;
  std::string src = t.path + "/src", image = t.path + "/img";
  sfs::create_directories(src + "/many");
  for (int i = 0; i < 2000; i++) put(src + "/many/entry-" + std::to_string(i), std::to_string(i * 7));
  std::string log;
  ASSERT_TRUE(mkfs(image, 1024, 16384, src, "", &log)) << log;
  run(std::string(KILN_E2FSCK) + " -fyD " + shell_quote(image), &log);
  ASSERT_NE(debugfs(image, "stat /many").find("Flags: 0x1000"), std::string::npos) << "no htree made";
  Mounted m(image, true);
  ASSERT_EQ(m.error, 0);
  int checked = 0;
  compare(m.root.get(), src, "", &checked);
  EXPECT_EQ(checked, 2002);
}

// A file reaching into triple-indirect blocks (1 KiB blocks: past 64 MiB).
TEST(Ext2Read, TripleIndirect) {
  KILN_REQUIRE_E2FSPROGS();
  TempDir t;
  std::string src = t.path + "/src", image = t.path + "/img";
  sfs::create_directories(src);
  put_at(src + "/far", 70ull * 1024 * 1024, random_data(5000, 3));
  put_at(src + "/far", 1000, "near the start");
  std::string log;
  ASSERT_TRUE(mkfs(image, 1024, 8192, src, "", &log)) << log;
  Mounted m(image, true);
  ASSERT_EQ(m.error, 0);
  NodeRef far;
  ASSERT_EQ(walk(m.root.get(), "far", &far), 0);
  std::string want = read_host(src + "/far");
  std::string tail(5000, '\0');
  ASSERT_EQ(far->read(70ull * 1024 * 1024, tail.data(), tail.size()), 5000);
  EXPECT_EQ(tail, want.substr(70ull * 1024 * 1024));
  std::string head(2000, 'x');
  ASSERT_EQ(far->read(0, head.data(), head.size()), 2000);
  EXPECT_EQ(head, want.substr(0, 2000));
}

// Device nodes keep their numbers (mke2fs -d copies them; making them needs root).
TEST(Ext2Read, DeviceNodes) {
  KILN_REQUIRE_E2FSPROGS();
  if (geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  TempDir t;
  std::string src = t.path + "/src", image = t.path + "/img";
  sfs::create_directories(src);
  ASSERT_EQ(::mknod((src + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  ASSERT_EQ(::mknod((src + "/disk").c_str(), S_IFBLK | 0660, makedev(8, 1)), 0);
  ASSERT_EQ(::mknod((src + "/big").c_str(), S_IFCHR | 0600, makedev(300, 5)), 0);
  std::string log;
  ASSERT_TRUE(mkfs(image, 1024, 2048, src, "", &log)) << log;
  Mounted m(image, true);
  ASSERT_EQ(m.error, 0);
  NodeRef n;
  ASSERT_EQ(walk(m.root.get(), "null", &n), 0);
  EXPECT_EQ(attr_of(n.get()).rdev, (1u << 8) | 3u);
  struct stat st;
  ASSERT_EQ(::lstat((src + "/null").c_str(), &st), 0);
  EXPECT_EQ(attr_of(n.get()).mode, st.st_mode);
  ASSERT_EQ(walk(m.root.get(), "disk", &n), 0);
  EXPECT_EQ(attr_of(n.get()).rdev, (8u << 8) | 1u);
  ASSERT_EQ(walk(m.root.get(), "big", &n), 0);
  EXPECT_EQ(attr_of(n.get()).rdev, (300u << 8) | 5u);
}

// --- Features: refused, read-only, accepted.

struct FeatureCase {
  const char* name;
  const char* mkfs_options;     // with -t ext2 -b 1024
  const char* debugfs_request;  // applied after mkfs (empty: none)
  long mount_result;
  bool read_only;
  const char* why_contains;
};

class Ext2Features : public ::testing::TestWithParam<FeatureCase> {};

TEST_P(Ext2Features, MountDecision) {
  KILN_REQUIRE_E2FSPROGS();
  const FeatureCase& c = GetParam();
  TempDir t;
  std::string src = t.path + "/src", image = t.path + "/img";
  sfs::create_directories(src);
  put(src + "/f", "data");
  std::string log;
  ASSERT_TRUE(mkfs(image, 1024, 8192, src, c.mkfs_options, &log)) << log;
  if (*c.debugfs_request) debugfs(image, c.debugfs_request, true);
  Mounted m(image, false);
  EXPECT_EQ(m.error, c.mount_result);
  if (c.why_contains) {
    ASSERT_NE(m.why, nullptr);
    EXPECT_NE(std::string(m.why).find(c.why_contains), std::string::npos) << m.why;
  }
  if (m.error == 0) {
    EXPECT_EQ(m.fs->read_only(), c.read_only);
    NodeRef f;
    ASSERT_EQ(walk(m.root.get(), "f", &f), 0);
    std::string got;
    ASSERT_EQ(read_all(f.get(), &got), 0);
    EXPECT_EQ(got, "data");
    if (c.read_only) {
      EXPECT_EQ(f->write(0, "x", 1), -EROFS);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, Ext2Features,
    ::testing::Values(
        FeatureCase{"plain", "", "", 0, false, nullptr},
        FeatureCase{"needs_recovery", "-O has_journal", "feature needs_recovery", -EINVAL, false, "recovery"},
        FeatureCase{"extents", "-O extent", "", -EINVAL, false, "extents"},
        FeatureCase{"bit64", "", "feature 64bit", -EINVAL, false, "64bit"},
        FeatureCase{"meta_bg", "-O meta_bg,^resize_inode", "", -EINVAL, false, "meta_bg"},
        FeatureCase{"inline_data", "-O inline_data,ext_attr", "", -EINVAL, false, "inline_data"},
        FeatureCase{"journal", "-O has_journal", "", 0, true, "journal"},
        FeatureCase{"metadata_csum", "-O metadata_csum", "", 0, true, "metadata_csum"},
        FeatureCase{"uninit_bg", "-O uninit_bg", "", 0, true, "uninit_bg"},
        FeatureCase{"huge_file", "-O huge_file", "", 0, true, "huge_file"},
        FeatureCase{"dir_nlink_extra_isize", "-O dir_nlink,extra_isize", "", 0, false, nullptr},
        FeatureCase{"unclean", "", "ssv state 0", 0, false, "not cleanly unmounted"},
        FeatureCase{"errors", "", "ssv state 3", 0, false, "errors"}),
    [](const ::testing::TestParamInfo<FeatureCase>& i) { return std::string(i.param.name); });

TEST(Ext2Mount, ProbeAndNotExt2) {
  std::vector<uint8_t> zeros(1 << 20);
  MemBlockDevice dev(zeros);
  EXPECT_FALSE(ext2_probe(&dev));
  FileSystem* fs = nullptr;
  const char* why = nullptr;
  EXPECT_EQ(ext2_mount(&dev, false, &fs, &why), -EINVAL);
  ASSERT_NE(why, nullptr);
  EXPECT_NE(std::string(why).find("magic"), std::string::npos);
  std::vector<uint8_t> tiny(1024);
  MemBlockDevice small(tiny);
  EXPECT_FALSE(ext2_probe(&small));
  EXPECT_EQ(ext2_mount(&small, false, &fs, &why), -EINVAL);
}

TEST(Ext2Mount, ReadOnlyDevice) {
  KILN_REQUIRE_E2FSPROGS();
  TempDir t;
  std::string image = t.path + "/img";
  ASSERT_TRUE(mkfs(image, 4096, 4096));
  FileBlockDevice dev(image, /*writable=*/false);
  EXPECT_TRUE(ext2_probe(&dev));
  FileSystem* fs = nullptr;
  const char* why = nullptr;
  ASSERT_EQ(ext2_mount(&dev, false, &fs, &why), 0);
  EXPECT_TRUE(fs->read_only());
  ASSERT_NE(why, nullptr);
  EXPECT_NE(std::string(why).find("read-only"), std::string::npos);
  EXPECT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(dev.writes, 0u);
}

}  // namespace
}  // namespace kiln::fs::ext2_test
