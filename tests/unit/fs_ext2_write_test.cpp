// ext2 write paths: every scenario ends with a clean unmount, then
// e2fsck -fn must find nothing and the superblock must say clean; the
// volume is mounted again and its contents checked.
#include "fs_ext2_util.h"  // first: kiln's errno names before the C library's macros

#include <sys/stat.h>

#include <map>
#include <set>

namespace kiln::fs::ext2_test {
namespace {

namespace sfs = std::filesystem;

// A fresh image in a temporary directory.
struct Image {
  TempDir dir;
  std::string path = dir.path + "/img";
  explicit Image(uint32_t block_size = 1024, uint64_t size_kb = 16384, const std::string& options = "",
                 const std::string& src = "") {
    std::string log;
    EXPECT_TRUE(mkfs(path, block_size, size_kb, src, options, &log)) << log;
  }
  // e2fsck finds nothing and the volume is marked clean.
  ::testing::AssertionResult check() const {
    if (super_state(path) != 1) return ::testing::AssertionFailure() << "s_state " << super_state(path);
    return fsck_clean(path);
  }
};

long create_file(Node* dir, const std::string& name, const std::string& data, NodeRef* out = nullptr,
                 uint32_t mode = 0644) {
  Node* n = nullptr;
  long r = dir->create(name.data(), name.size(), kS_IFREG | mode, 0, &n);
  if (r < 0) return r;
  NodeRef ref(n);
  if (!data.empty() && (r = write_all(n, 0, data)) < 0) return r;
  if (out) *out = std::move(ref);
  return 0;
}

long mkdir(Node* dir, const std::string& name, NodeRef* out = nullptr, uint32_t mode = 0755) {
  Node* n = nullptr;
  long r = dir->create(name.data(), name.size(), kS_IFDIR | mode, 0, out ? &n : nullptr);
  if (r == 0 && out) *out = NodeRef(n);
  return r;
}

long unlink(Node* dir, const std::string& name) { return dir->remove(name.data(), name.size(), false); }
long rmdir(Node* dir, const std::string& name) { return dir->remove(name.data(), name.size(), true); }
long rename(Node* from, const std::string& a, Node* to, const std::string& b) {
  return from->rename(a.data(), a.size(), to, b.data(), b.size());
}

std::string contents(Node* root, const std::string& path) {
  NodeRef n;
  if (walk(root, path, &n) != 0) return "<missing>";
  std::string s;
  if (read_all(n.get(), &s) != 0) return "<error>";
  return s;
}

std::set<std::string> names(Node* dir) {
  std::vector<DirEnt> ents;
  EXPECT_EQ(list_dir(dir, &ents), 0);
  std::set<std::string> s;
  for (auto& e : ents)
    if (e.name != "." && e.name != "..") {
      EXPECT_TRUE(s.insert(e.name).second) << e.name;
    }
  return s;
}

StatFs statfs_of(FileSystem* fs) {
  StatFs s{};
  EXPECT_EQ(fs->statfs(&s), 0);
  return s;
}

TEST(Ext2Write, MountMarksNotCleanAndUnmountClean) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0) << m.why;
    EXPECT_EQ(m.why, nullptr);
    EXPECT_FALSE(m.fs->read_only());
    EXPECT_EQ(super_state(img.path), 0);  // not clean while mounted
    ASSERT_EQ(m.unmount(), 0);
  }
  EXPECT_TRUE(img.check());
  std::string stats = debugfs(img.path, "stats");
  EXPECT_NE(stats.find("Mount count:              1"), std::string::npos) << stats;
  EXPECT_EQ(stats.find("Last mount time:          n/a"), std::string::npos);
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
  }  // the destructor unmounts too
  EXPECT_TRUE(img.check());
  EXPECT_NE(debugfs(img.path, "stats").find("Mount count:              2"), std::string::npos);
}

TEST(Ext2Write, SyncLeavesAConsistentImage) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  Mounted m(img.path);
  ASSERT_EQ(m.error, 0);
  ASSERT_EQ(create_file(m.root.get(), "a", "some data"), 0);
  ASSERT_EQ(mkdir(m.root.get(), "d"), 0);
  ASSERT_EQ(m.fs->sync(), 0);
  // A copy taken now (as after a crash) is consistent, only not marked clean.
  std::string copy = img.dir.path + "/copy";
  sfs::copy_file(img.path, copy);
  EXPECT_EQ(super_state(copy), 0);
  EXPECT_TRUE(fsck_clean(copy));
}

TEST(Ext2Write, ThousandSmallFiles) {
  KILN_REQUIRE_E2FSPROGS();
  for (uint32_t bs : {1024u, 4096u}) {
    SCOPED_TRACE(bs);
    Image img(bs, 32768);
    StatFs before{};
    {
      Mounted m(img.path, false, 64 * 1024);  // a small cache: evictions all along
      ASSERT_EQ(m.error, 0);
      before = statfs_of(m.fs);
      NodeRef sub;
      ASSERT_EQ(mkdir(m.root.get(), "sub", &sub), 0);
      for (int i = 0; i < 1000; i++) {
        Node* dir = i % 2 ? sub.get() : m.root.get();
        ASSERT_EQ(create_file(dir, "file-" + std::to_string(i), "content of file " + std::to_string(i)), 0) << i;
      }
      NodeRef none;
      EXPECT_EQ(create_file(m.root.get(), "file-0", "x"), -EEXIST);
      StatFs during = statfs_of(m.fs);
      EXPECT_EQ(during.files_free, before.files_free - 1001);
      sub.reset();
      ASSERT_EQ(m.unmount(), 0);
    }
    ASSERT_TRUE(img.check());
    {
      Mounted m(img.path);
      ASSERT_EQ(m.error, 0);
      NodeRef sub;
      ASSERT_EQ(walk(m.root.get(), "sub", &sub), 0);
      EXPECT_EQ(names(sub.get()).size(), 500u);
      EXPECT_EQ(names(m.root.get()).size(), 502u);  // + sub, lost+found
      for (int i = 0; i < 1000; i++) {
        std::string path = (i % 2 ? "sub/file-" : "file-") + std::to_string(i);
        ASSERT_EQ(contents(m.root.get(), path), "content of file " + std::to_string(i)) << path;
      }
      // Remove them all again: the counts come back exactly.
      for (int i = 0; i < 1000; i++) {
        Node* dir = i % 2 ? sub.get() : m.root.get();
        ASSERT_EQ(unlink(dir, "file-" + std::to_string(i)), 0);
      }
      sub.reset();
      ASSERT_EQ(rmdir(m.root.get(), "sub"), 0);
      StatFs after = statfs_of(m.fs);
      EXPECT_EQ(after.files_free, before.files_free);
      // Directory blocks stay (ext2 never shrinks directories): the root grew.
      EXPECT_LE(after.blocks_free, before.blocks_free);
      EXPECT_GE(after.blocks_free + 64, before.blocks_free);
      ASSERT_EQ(m.unmount(), 0);
    }
    EXPECT_TRUE(img.check());
  }
}

// Data through direct, indirect and double-indirect blocks, written in
// uneven pieces, read back after a remount and by debugfs.
TEST(Ext2Write, LargeFile) {
  KILN_REQUIRE_E2FSPROGS();
  for (uint32_t bs : {1024u, 4096u}) {
    SCOPED_TRACE(bs);
    Image img(bs, 32768);
    // 1 KiB: double indirect from 268 KiB; 4 KiB: from 4144 KiB.
    std::string data = random_data(bs == 1024 ? 3 * 1024 * 1024 + 17 : 6 * 1024 * 1024 + 5, bs);
    {
      Mounted m(img.path, false, 256 * 1024);
      ASSERT_EQ(m.error, 0);
      NodeRef f;
      ASSERT_EQ(create_file(m.root.get(), "big", "", &f), 0);
      size_t at = 0, step = 1;
      while (at < data.size()) {
        size_t n = std::min(data.size() - at, step);
        ASSERT_EQ(f->write(at, data.data() + at, n), long(n));
        at += n;
        step = step * 3 + 1;
        if (step > 300000) step = 777;
      }
      Attr a = attr_of(f.get());
      EXPECT_EQ(a.size, data.size());
      uint64_t data_blocks = (data.size() + bs - 1) / bs;
      EXPECT_GT(a.blocks * 512, data_blocks * bs);  // map blocks count too
      EXPECT_LT(a.blocks * 512, data_blocks * bs + 64 * bs);
      std::string back;
      ASSERT_EQ(read_all(f.get(), &back, 100000), 0);
      EXPECT_TRUE(back == data);
      ASSERT_EQ(m.unmount(), 0);
    }
    ASSERT_TRUE(img.check());
    std::string dumped = img.dir.path + "/dumped";
    debugfs(img.path, "dump /big " + dumped);
    std::string host;
    {
      FILE* fp = fopen(dumped.c_str(), "rb");
      ASSERT_NE(fp, nullptr);
      char buf[65536];
      for (size_t n; (n = fread(buf, 1, sizeof buf, fp)) > 0;) host.append(buf, n);
      fclose(fp);
    }
    EXPECT_TRUE(host == data) << "debugfs reads something else";
    Mounted m(img.path, true);
    ASSERT_EQ(m.error, 0);
    EXPECT_TRUE(contents(m.root.get(), "big") == data);
  }
}

// Holes read as zeros and take no blocks; writing into one allocates;
// triple-indirect offsets work on a small volume.
TEST(Ext2Write, SparseFile) {
  KILN_REQUIRE_E2FSPROGS();
  Image img(1024, 8192);
  const uint64_t far = 100ull * 1024 * 1024;  // triple indirect with 1 KiB blocks
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    NodeRef f;
    ASSERT_EQ(create_file(m.root.get(), "sparse", "", &f), 0);
    ASSERT_EQ(f->write(far, "far away", 8), 8);
    ASSERT_EQ(f->write(300 * 1024, "double", 6), 6);
    ASSERT_EQ(f->write(20 * 1024 + 1000, "single", 6), 6);
    ASSERT_EQ(f->write(5, "direct", 6), 6);
    Attr a = attr_of(f.get());
    EXPECT_EQ(a.size, far + 8);
    EXPECT_LE(a.blocks, 2u * (4 + 1 + 2 + 3));  // 4 data blocks, 1+2+3 map blocks
    char buf[4096];
    ASSERT_EQ(f->read(far - 4096 + 8, buf, 4096), 4096);
    EXPECT_EQ(std::string(buf, 4088), std::string(4088, '\0'));
    EXPECT_EQ(std::string(buf + 4088, 8), "far away");
    // Fill a hole in the middle.
    ASSERT_EQ(f->write(50ull * 1024 * 1024, "middle", 6), 6);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  Mounted m(img.path);
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(walk(m.root.get(), "sparse", &f), 0);
  char buf[16] = {};
  ASSERT_EQ(f->read(0, buf, 11), 11);
  EXPECT_EQ(std::string(buf, 11), std::string("\0\0\0\0\0direct", 11));
  ASSERT_EQ(f->read(50ull * 1024 * 1024 - 2, buf, 10), 10);
  EXPECT_EQ(std::string(buf, 10), std::string("\0\0middle\0\0", 10));
  ASSERT_EQ(f->read(300 * 1024, buf, 6), 6);
  EXPECT_EQ(std::string(buf, 6), "double");
  // Past the largest size the block map holds: EFBIG.
  EXPECT_EQ(f->write(uint64_t(1) << 40, "x", 1), -EFBIG);
  // Writing through the whole file frees nothing and stays consistent after truncation.
  Attr a;
  a.size = 0;
  ASSERT_EQ(f->setattr(a, kSetSize), 0);
  EXPECT_EQ(attr_of(f.get()).blocks, 0u);
  f.reset();
  ASSERT_EQ(m.unmount(), 0);
  EXPECT_TRUE(img.check());
}

TEST(Ext2Write, MkdirRmdir) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    uint32_t root_links = attr_of(m.root.get()).nlink;
    NodeRef a, b;
    ASSERT_EQ(mkdir(m.root.get(), "a", &a, 0750), 0);
    EXPECT_EQ(attr_of(m.root.get()).nlink, root_links + 1);
    Attr aa = attr_of(a.get());
    EXPECT_EQ(aa.mode, kS_IFDIR | 0750u);
    EXPECT_EQ(aa.nlink, 2u);
    EXPECT_EQ(aa.size, 1024u);
    ASSERT_EQ(mkdir(a.get(), "b", &b), 0);
    EXPECT_EQ(attr_of(a.get()).nlink, 3u);
    ASSERT_EQ(create_file(b.get(), "f", "x"), 0);
    EXPECT_EQ(mkdir(m.root.get(), "a"), -EEXIST);
    EXPECT_EQ(rmdir(a.get(), "b"), -ENOTEMPTY);
    EXPECT_EQ(rmdir(b.get(), "f"), -ENOTDIR);
    EXPECT_EQ(unlink(a.get(), "b"), -EISDIR);
    EXPECT_EQ(rmdir(a.get(), "nope"), -ENOENT);
    EXPECT_EQ(rmdir(a.get(), "."), -EINVAL);
    EXPECT_EQ(rmdir(a.get(), ".."), -ENOTEMPTY);
    ASSERT_EQ(unlink(b.get(), "f"), 0);
    ASSERT_EQ(rmdir(a.get(), "b"), 0);
    EXPECT_EQ(attr_of(a.get()).nlink, 2u);
    // The removed directory, still held, is empty and takes nothing new.
    EXPECT_EQ(attr_of(b.get()).nlink, 0u);
    EXPECT_TRUE(names(b.get()).empty());
    EXPECT_EQ(create_file(b.get(), "g", "x"), -ENOENT);
    NodeRef none;
    EXPECT_EQ(lookup(b.get(), "..", &none), -ENOENT);
    b.reset();
    // Deep nesting and many subdirectories.
    NodeRef cur;
    ASSERT_EQ(walk(m.root.get(), "a", &cur), 0);
    for (int i = 0; i < 50; i++) {
      NodeRef next;
      ASSERT_EQ(mkdir(cur.get(), "level" + std::to_string(i), &next), 0);
      cur = std::move(next);
    }
    for (int i = 0; i < 200; i++) ASSERT_EQ(mkdir(a.get(), "sub" + std::to_string(i)), 0);
    EXPECT_EQ(attr_of(a.get()).nlink, 203u);
    for (int i = 0; i < 200; i += 2) ASSERT_EQ(rmdir(a.get(), "sub" + std::to_string(i)), 0);
    EXPECT_EQ(attr_of(a.get()).nlink, 103u);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  Mounted m(img.path);
  NodeRef a;
  ASSERT_EQ(walk(m.root.get(), "a", &a), 0);
  EXPECT_EQ(names(a.get()).size(), 101u);
  NodeRef deep;
  std::string path = "a";
  for (int i = 0; i < 50; i++) path += "/level" + std::to_string(i);
  ASSERT_EQ(walk(m.root.get(), path + "/..", &deep), 0);
  EXPECT_EQ(attr_of(deep.get()).nlink, 3u);
}

TEST(Ext2Write, Rename) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  uint64_t dir2_ino = 0;
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    Node* root = m.root.get();
    NodeRef d1, d2, moving, victim;
    ASSERT_EQ(mkdir(root, "d1", &d1), 0);
    ASSERT_EQ(mkdir(root, "d2", &d2), 0);
    dir2_ino = attr_of(d2.get()).ino;
    ASSERT_EQ(create_file(root, "a", "file a"), 0);
    ASSERT_EQ(create_file(root, "b", "file b"), 0);
    StatFs s0 = statfs_of(m.fs);
    // File over file: b's inode goes.
    ASSERT_EQ(rename(root, "a", root, "b"), 0);
    EXPECT_EQ(contents(root, "b"), "file a");
    EXPECT_EQ(contents(root, "a"), "<missing>");
    EXPECT_EQ(statfs_of(m.fs).files_free, s0.files_free + 1);
    // Within a directory, and across directories.
    ASSERT_EQ(rename(root, "b", root, "c"), 0);
    ASSERT_EQ(rename(root, "c", d1.get(), "c"), 0);
    EXPECT_EQ(contents(root, "d1/c"), "file a");
    // Hard links to the same file: nothing happens.
    NodeRef c;
    ASSERT_EQ(walk(root, "d1/c", &c), 0);
    ASSERT_EQ(d1->link("c2", 2, c.get()), 0);
    ASSERT_EQ(rename(d1.get(), "c", d1.get(), "c2"), 0);
    EXPECT_EQ(names(d1.get()), (std::set<std::string>{"c", "c2"}));
    EXPECT_EQ(attr_of(c.get()).nlink, 2u);
    ASSERT_EQ(rename(d1.get(), "c", d1.get(), "c"), 0);
    // Directory moves: link counts and "..".
    uint32_t root_links = attr_of(root).nlink;
    ASSERT_EQ(mkdir(d1.get(), "sub", &moving), 0);
    ASSERT_EQ(create_file(moving.get(), "inside", "in sub"), 0);
    EXPECT_EQ(attr_of(d1.get()).nlink, 3u);
    ASSERT_EQ(rename(d1.get(), "sub", d2.get(), "sub"), 0);
    EXPECT_EQ(attr_of(d1.get()).nlink, 2u);
    EXPECT_EQ(attr_of(d2.get()).nlink, 3u);
    NodeRef up;
    ASSERT_EQ(lookup(moving.get(), "..", &up), 0);
    EXPECT_EQ(up.get(), d2.get());
    EXPECT_EQ(contents(root, "d2/sub/inside"), "in sub");
    // Into itself or below: EINVAL.
    EXPECT_EQ(rename(d2.get(), "sub", moving.get(), "x"), -EINVAL);
    EXPECT_EQ(rename(root, "d2", moving.get(), "x"), -EINVAL);
    EXPECT_EQ(rename(root, "d2", d2.get(), "x"), -EINVAL);
    // Directory over an empty directory, across parents.
    ASSERT_EQ(mkdir(d1.get(), "empty", &victim), 0);
    ASSERT_EQ(rename(d2.get(), "sub", d1.get(), "empty"), 0);
    EXPECT_EQ(attr_of(victim.get()).nlink, 0u);
    EXPECT_EQ(attr_of(d1.get()).nlink, 3u);
    EXPECT_EQ(attr_of(d2.get()).nlink, 2u);
    EXPECT_EQ(contents(root, "d1/empty/inside"), "in sub");
    victim.reset();
    // Directory over an empty directory in the same parent.
    ASSERT_EQ(mkdir(d1.get(), "e2"), 0);
    EXPECT_EQ(attr_of(d1.get()).nlink, 4u);
    ASSERT_EQ(rename(d1.get(), "empty", d1.get(), "e2"), 0);
    EXPECT_EQ(attr_of(d1.get()).nlink, 3u);
    // Refusals.
    ASSERT_EQ(mkdir(d2.get(), "full"), 0);
    ASSERT_EQ(create_file(root, "f", "f"), 0);
    NodeRef full;
    ASSERT_EQ(walk(root, "d2/full", &full), 0);
    ASSERT_EQ(create_file(full.get(), "x", "x"), 0);
    EXPECT_EQ(rename(d1.get(), "e2", d2.get(), "full"), -ENOTEMPTY);
    EXPECT_EQ(rename(root, "f", d2.get(), "full"), -EISDIR);
    EXPECT_EQ(rename(d2.get(), "full", root, "f"), -ENOTDIR);
    EXPECT_EQ(rename(root, "nope", root, "x"), -ENOENT);
    EXPECT_EQ(rename(root, ".", root, "x"), -EBUSY);
    // A directory to the root.
    ASSERT_EQ(rename(d2.get(), "full", root, "full"), 0);
    EXPECT_EQ(attr_of(root).nlink, root_links + 1);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  // debugfs agrees about "..".
  std::string ls = debugfs(img.path, "ls -l /full");
  EXPECT_NE(ls.find(" 2 "), std::string::npos) << ls;  // ".." is the root, inode 2
  Mounted m(img.path);
  EXPECT_EQ(contents(m.root.get(), "d1/e2/inside"), "in sub");
  EXPECT_EQ(contents(m.root.get(), "full/x"), "x");
  NodeRef d2;
  ASSERT_EQ(walk(m.root.get(), "d2", &d2), 0);
  EXPECT_EQ(attr_of(d2.get()).ino, dir2_ino);
  EXPECT_TRUE(names(d2.get()).empty());
}

TEST(Ext2Write, HardLinks) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  StatFs s0{};
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    s0 = statfs_of(m.fs);
    NodeRef f, d;
    ASSERT_EQ(create_file(m.root.get(), "orig", random_data(5000, 1), &f), 0);
    ASSERT_EQ(mkdir(m.root.get(), "d", &d), 0);
    ASSERT_EQ(m.root->link("l1", 2, f.get()), 0);
    ASSERT_EQ(d->link("l2", 2, f.get()), 0);
    EXPECT_EQ(m.root->link("l1", 2, f.get()), -EEXIST);
    EXPECT_EQ(m.root->link("dl", 2, d.get()), -EPERM);
    EXPECT_EQ(attr_of(f.get()).nlink, 3u);
    ASSERT_EQ(unlink(m.root.get(), "orig"), 0);
    EXPECT_EQ(attr_of(f.get()).nlink, 2u);
    EXPECT_EQ(contents(m.root.get(), "d/l2"), random_data(5000, 1));
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  {
    Mounted m(img.path);
    NodeRef a, b;
    ASSERT_EQ(walk(m.root.get(), "l1", &a), 0);
    ASSERT_EQ(walk(m.root.get(), "d/l2", &b), 0);
    EXPECT_EQ(a.get(), b.get());
    EXPECT_EQ(attr_of(a.get()).nlink, 2u);
    a.reset();
    b.reset();
    ASSERT_EQ(unlink(m.root.get(), "l1"), 0);
    NodeRef d;
    ASSERT_EQ(walk(m.root.get(), "d", &d), 0);
    ASSERT_EQ(unlink(d.get(), "l2"), 0);
    d.reset();
    ASSERT_EQ(rmdir(m.root.get(), "d"), 0);
    StatFs s1 = statfs_of(m.fs);
    EXPECT_EQ(s1.files_free, s0.files_free);
    EXPECT_EQ(s1.blocks_free, s0.blocks_free);
    ASSERT_EQ(m.unmount(), 0);
  }
  EXPECT_TRUE(img.check());
}

TEST(Ext2Write, Symlinks) {
  KILN_REQUIRE_E2FSPROGS();
  for (uint32_t bs : {1024u, 4096u}) {
    SCOPED_TRACE(bs);
    Image img(bs, 8192);
    std::map<std::string, std::string> links = {
        {"one", "x"},
        {"fast59", std::string(59, 'f')},
        {"slow60", std::string(60, 's')},
        {"slow500", "/" + std::string(498, 'p') + "/"},
        {"longest", std::string(bs - 1, 'l')},
    };
    {
      Mounted m(img.path);
      ASSERT_EQ(m.error, 0);
      StatFs s0 = statfs_of(m.fs);
      for (auto& [name, target] : links)
        ASSERT_EQ(m.root->symlink(name.data(), name.size(), target.data(), target.size()), 0) << name;
      EXPECT_EQ(statfs_of(m.fs).blocks_free, s0.blocks_free - 3);  // the three slow ones
      EXPECT_EQ(m.root->symlink("toolong", 7, std::string(bs, 'x').data(), bs), -ENAMETOOLONG);
      EXPECT_EQ(m.root->symlink("empty", 5, "", 0), -ENOENT);
      EXPECT_EQ(m.root->symlink("one", 3, "y", 1), -EEXIST);
      ASSERT_EQ(m.unmount(), 0);
    }
    ASSERT_TRUE(img.check());
    Mounted m(img.path);
    for (auto& [name, target] : links) {
      NodeRef l;
      ASSERT_EQ(walk(m.root.get(), name, &l), 0);
      Attr a = attr_of(l.get());
      EXPECT_EQ(a.mode, kS_IFLNK | 0777u);
      EXPECT_EQ(a.size, target.size());
      EXPECT_EQ(a.blocks, target.size() > 59 ? bs / 512 : 0u);
      std::vector<char> buf(8192);
      long n = l->readlink(buf.data(), buf.size());
      ASSERT_EQ(n, long(target.size()));
      EXPECT_EQ(std::string(buf.data(), size_t(n)), target);
    }
    // Unlinking frees the slow ones' blocks.
    StatFs s0 = statfs_of(m.fs);
    for (auto& [name, target] : links) ASSERT_EQ(unlink(m.root.get(), name), 0);
    EXPECT_EQ(statfs_of(m.fs).blocks_free, s0.blocks_free + 3);
    ASSERT_EQ(m.unmount(), 0);
    EXPECT_TRUE(img.check());
  }
}

// Truncation to sizes around every map boundary, up and down, with the
// data checked against a model.
TEST(Ext2Write, Truncate) {
  KILN_REQUIRE_E2FSPROGS();
  Image img(1024, 16384);
  std::string model;
  StatFs s0{};
  {
    Mounted m(img.path, false, 128 * 1024);
    ASSERT_EQ(m.error, 0);
    s0 = statfs_of(m.fs);
    NodeRef f;
    ASSERT_EQ(create_file(m.root.get(), "t", "", &f), 0);
    const uint64_t kb = 1024;
    std::vector<uint64_t> sizes = {3000 * kb, 0, 1, 12 * kb, 12 * kb + 1, 268 * kb, 268 * kb - 7,
                                   269 * kb, 5000, 700 * kb + 3, 268 * kb + 1, 12 * kb - 1, 2 * kb + 5};
    uint32_t seed = 1;
    for (uint64_t size : sizes) {
      SCOPED_TRACE(size);
      // Fill what exists with fresh data, then cut or extend.
      std::string fill = random_data(model.size(), seed++);
      if (!fill.empty()) {
        ASSERT_EQ(write_all(f.get(), 0, fill), 0);
      }
      model = fill;
      Attr a;
      a.size = size;
      ASSERT_EQ(f->setattr(a, kSetSize), 0);
      model.resize(size, '\0');
      EXPECT_EQ(attr_of(f.get()).size, size);
      std::string back;
      ASSERT_EQ(read_all(f.get(), &back), 0);
      ASSERT_TRUE(back == model);
      // Extending leaves a hole: blocks only for what was written.
      EXPECT_LE(attr_of(f.get()).blocks * 512, (fill.size() + 300 * kb) * 2);
    }
    // Truncation of directories and symlinks is refused.
    Attr a;
    a.size = 0;
    EXPECT_EQ(m.root->setattr(a, kSetSize), -EISDIR);
    ASSERT_EQ(m.root->symlink("l", 1, "target", 6), 0);
    NodeRef l;
    ASSERT_EQ(walk(m.root.get(), "l", &l), 0);
    EXPECT_EQ(l->setattr(a, kSetSize), -EINVAL);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  Mounted m(img.path);
  EXPECT_TRUE(contents(m.root.get(), "t") == model);
  NodeRef f;
  ASSERT_EQ(walk(m.root.get(), "t", &f), 0);
  Attr a;
  a.size = 0;
  ASSERT_EQ(f->setattr(a, kSetSize), 0);
  EXPECT_EQ(attr_of(f.get()).blocks, 0u);
  f.reset();
  ASSERT_EQ(unlink(m.root.get(), "t"), 0);
  ASSERT_EQ(unlink(m.root.get(), "l"), 0);
  EXPECT_EQ(statfs_of(m.fs).blocks_free, s0.blocks_free);
  ASSERT_EQ(m.unmount(), 0);
  EXPECT_TRUE(img.check());
}

TEST(Ext2Write, SetattrAndTimes) {
  KILN_REQUIRE_E2FSPROGS();
  for (const char* options : {"", "-I 128"}) {
    SCOPED_TRACE(options);
    Image img(1024, 4096, options);
    bool large = std::string(options).empty();
    {
      Mounted m(img.path);
      ASSERT_EQ(m.error, 0);
      NodeRef f;
      ASSERT_EQ(create_file(m.root.get(), "f", "x", &f), 0);
      Attr a = attr_of(f.get());
      EXPECT_EQ(a.mode, kS_IFREG | 0644u);
      Time now = host_now();
      EXPECT_LE(std::abs(a.mtime.sec - now.sec), 5);
      EXPECT_LE(std::abs(a.ctime.sec - now.sec), 5);
      Attr in;
      in.mode = 04711;
      in.uid = 100000;  // needs the high 16 bits
      in.gid = 70000;
      in.atime = Time{1000000000, 123456789};
      in.mtime = Time{1500000000, 987654321};
      ASSERT_EQ(f->setattr(in, kSetMode | kSetUid | kSetGid | kSetAtime | kSetMtime), 0);
      in.ctime = Time{1600000000, 5};
      ASSERT_EQ(f->setattr(in, kSetCtime), 0);
      // Times past 2038 need the extra epoch bits of large inodes.
      NodeRef g;
      ASSERT_EQ(create_file(m.root.get(), "future", "", &g), 0);
      in.mtime = Time{int64_t(1) << 33, 42};
      ASSERT_EQ(g->setattr(in, kSetMtime), 0);
      ASSERT_EQ(m.unmount(), 0);
    }
    ASSERT_TRUE(img.check());
    Mounted m(img.path);
    NodeRef f;
    ASSERT_EQ(walk(m.root.get(), "f", &f), 0);
    Attr a = attr_of(f.get());
    EXPECT_EQ(a.mode, kS_IFREG | 04711u);
    EXPECT_EQ(a.uid, 100000u);
    EXPECT_EQ(a.gid, 70000u);
    EXPECT_EQ(a.atime.sec, 1000000000);
    EXPECT_EQ(a.mtime.sec, 1500000000);
    EXPECT_EQ(a.ctime.sec, 1600000000);
    EXPECT_EQ(a.atime.nsec, large ? 123456789 : 0);
    EXPECT_EQ(a.mtime.nsec, large ? 987654321 : 0);
    NodeRef g;
    ASSERT_EQ(walk(m.root.get(), "future", &g), 0);
    EXPECT_EQ(attr_of(g.get()).mtime.sec, large ? int64_t(1) << 33 : 0x7fffffff);
    std::string st = debugfs(img.path, "stat /f");
    EXPECT_NE(st.find("User: 100000"), std::string::npos) << st;
    EXPECT_NE(st.find("Group: 70000"), std::string::npos) << st;
  }
}

TEST(Ext2Write, SpecialFiles) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    ASSERT_EQ(m.root->create("fifo", 4, kS_IFIFO | 0600, 0, nullptr), 0);
    ASSERT_EQ(m.root->create("sock", 4, kS_IFSOCK | 0755, 0, nullptr), 0);
    ASSERT_EQ(m.root->create("null", 4, kS_IFCHR | 0666, (1 << 8) | 3, nullptr), 0);
    ASSERT_EQ(m.root->create("sda", 3, kS_IFBLK | 0660, (8 << 8) | 0, nullptr), 0);
    ASSERT_EQ(m.root->create("bigmajor", 8, kS_IFCHR | 0600, (300 << 8) | 7, nullptr), 0);
    EXPECT_EQ(m.root->create("bad", 3, kS_IFLNK | 0777, 0, nullptr), -EINVAL);
    NodeRef fifo;
    ASSERT_EQ(walk(m.root.get(), "fifo", &fifo), 0);
    char c;
    EXPECT_EQ(fifo->read(0, &c, 1), -EINVAL);
    EXPECT_EQ(fifo->write(0, &c, 1), -EINVAL);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  Mounted m(img.path);
  std::map<std::string, std::pair<uint32_t, uint64_t>> want = {
      {"fifo", {kS_IFIFO | 0600, 0}},       {"sock", {kS_IFSOCK | 0755, 0}},
      {"null", {kS_IFCHR | 0666, 259}},     {"sda", {kS_IFBLK | 0660, 2048}},
      {"bigmajor", {kS_IFCHR | 0600, (300 << 8) | 7}}};
  std::vector<DirEnt> ents;
  ASSERT_EQ(list_dir(m.root.get(), &ents), 0);
  for (auto& [name, w] : want) {
    NodeRef n;
    ASSERT_EQ(walk(m.root.get(), name, &n), 0);
    Attr a = attr_of(n.get());
    EXPECT_EQ(a.mode, w.first) << name;
    EXPECT_EQ(a.rdev, w.second) << name;
    bool listed = false;
    for (auto& e : ents)
      if (e.name == name) listed = e.type == dtype_of(w.first);
    EXPECT_TRUE(listed) << name;
  }
  EXPECT_NE(debugfs(img.path, "stat /null").find("Device major/minor number: 01:03"), std::string::npos);
}

// An open file that loses its last name keeps working until it is put.
TEST(Ext2Write, UnlinkedWhileHeld) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  Mounted m(img.path);
  ASSERT_EQ(m.error, 0);
  StatFs s0 = statfs_of(m.fs);
  NodeRef f;
  ASSERT_EQ(create_file(m.root.get(), "tmp", random_data(50000, 2), &f), 0);
  ASSERT_EQ(unlink(m.root.get(), "tmp"), 0);
  EXPECT_EQ(attr_of(f.get()).nlink, 0u);
  ASSERT_EQ(write_all(f.get(), 50000, "more"), 0);
  std::string back;
  ASSERT_EQ(read_all(f.get(), &back), 0);
  EXPECT_EQ(back, random_data(50000, 2) + "more");
  EXPECT_LT(statfs_of(m.fs).blocks_free, s0.blocks_free);
  f.reset();  // the next operation releases it
  StatFs s1 = statfs_of(m.fs);
  EXPECT_EQ(s1.blocks_free, s0.blocks_free);
  EXPECT_EQ(s1.files_free, s0.files_free);
  ASSERT_EQ(m.unmount(), 0);
  EXPECT_TRUE(img.check());
}

// Unmounting while an unlinked file is still held: its inode cannot be
// released, so the volume is not marked clean (ext2 has no orphan list).
TEST(Ext2Write, UnmountWithAnUnlinkedFileHeld) {
  KILN_REQUIRE_E2FSPROGS();
  Image img;
  NodeRef held;
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    ASSERT_EQ(create_file(m.root.get(), "tmp", "data", &held), 0);
    ASSERT_EQ(unlink(m.root.get(), "tmp"), 0);
    ASSERT_EQ(m.unmount(), 0);
  }
  EXPECT_EQ(super_state(img.path), 0);
  std::string data;
  held.reset();  // detached from the gone file system: only freed
  // Held but still linked: clean.
  Image img2;
  {
    Mounted m(img2.path);
    ASSERT_EQ(create_file(m.root.get(), "kept", "data", &held), 0);
    ASSERT_EQ(m.unmount(), 0);
  }
  held.reset();
  EXPECT_TRUE(img2.check());
}

// Adding to or removing from a hashed directory clears its index flag
// (the entries stay valid as a linear directory).
TEST(Ext2Write, HashedDirectoryLosesItsIndex) {
  KILN_REQUIRE_E2FSPROGS();
  TempDir src;
  sfs::create_directories(src.path + "/many");
  for (int i = 0; i < 1500; i++) {
    FILE* fp = fopen((src.path + "/many/entry-" + std::to_string(i)).c_str(), "w");
    fputs("x", fp);
    fclose(fp);
  }
  Image img(1024, 16384, "", src.path);
  std::string log;
  run(std::string(KILN_E2FSCK) + " -fyD " + shell_quote(img.path), &log);
  ASSERT_NE(debugfs(img.path, "stat /many").find("Flags: 0x1000"), std::string::npos);
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    NodeRef many;
    ASSERT_EQ(walk(m.root.get(), "many", &many), 0);
    ASSERT_EQ(unlink(many.get(), "entry-7"), 0);
    ASSERT_EQ(create_file(many.get(), "newcomer", "new"), 0);
    for (int i = 1500; i < 1600; i++) ASSERT_EQ(create_file(many.get(), "entry-" + std::to_string(i), "y"), 0);
    EXPECT_EQ(names(many.get()).size(), 1600u);
    ASSERT_EQ(m.unmount(), 0);
  }
  EXPECT_EQ(debugfs(img.path, "stat /many").find("Flags: 0x1000"), std::string::npos);
  ASSERT_TRUE(img.check());
  Mounted m(img.path);
  EXPECT_EQ(contents(m.root.get(), "many/newcomer"), "new");
  EXPECT_EQ(contents(m.root.get(), "many/entry-7"), "<missing>");
  EXPECT_EQ(contents(m.root.get(), "many/entry-1599"), "y");
  EXPECT_EQ(contents(m.root.get(), "many/entry-1499"), "x");
}

TEST(Ext2Write, FillTheDisk) {
  KILN_REQUIRE_E2FSPROGS();
  Image img(1024, 2048);
  StatFs s0{};
  {
    Mounted m(img.path, false, 64 * 1024);
    ASSERT_EQ(m.error, 0);
    s0 = statfs_of(m.fs);
    NodeRef f;
    ASSERT_EQ(create_file(m.root.get(), "big", "", &f), 0);
    std::string chunk = random_data(64 * 1024, 9);
    uint64_t off = 0;
    long r;
    while ((r = f->write(off, chunk.data(), chunk.size())) > 0) off += uint64_t(r);
    EXPECT_EQ(r, -ENOSPC);
    EXPECT_EQ(statfs_of(m.fs).blocks_free, 0u);
    EXPECT_EQ(attr_of(f.get()).size, off);
    // Small files: until the inodes or the blocks run out.
    long last = 0;
    for (int i = 0; i < 100000 && last == 0; i++) last = create_file(m.root.get(), "e" + std::to_string(i), "");
    EXPECT_EQ(last, -ENOSPC);
    EXPECT_EQ(mkdir(m.root.get(), "nodir"), -ENOSPC);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  Mounted m(img.path);
  ASSERT_EQ(unlink(m.root.get(), "big"), 0);
  std::vector<DirEnt> ents;
  ASSERT_EQ(list_dir(m.root.get(), &ents), 0);
  for (auto& e : ents)
    if (e.name[0] == 'e') {
      ASSERT_EQ(unlink(m.root.get(), e.name), 0);
    }
  StatFs s1 = statfs_of(m.fs);
  EXPECT_EQ(s1.files_free, s0.files_free);
  EXPECT_GE(s1.blocks_free + 8, s0.blocks_free);  // the root directory grew
  ASSERT_EQ(m.unmount(), 0);
  EXPECT_TRUE(img.check());
}

TEST(Ext2Write, RevisionZeroAndSmallInodes) {
  KILN_REQUIRE_E2FSPROGS();
  for (const char* options : {"-r 0", "-I 128 -O ^filetype", "-O ^sparse_super,^resize_inode -g 1024",
                              "-O flex_bg -g 1024", "-I 1024"}) {
    SCOPED_TRACE(options);
    Image img(1024, 8192, options);
    {
      Mounted m(img.path);
      ASSERT_EQ(m.error, 0) << m.why;
      NodeRef d;
      ASSERT_EQ(mkdir(m.root.get(), "dir", &d), 0);
      for (int i = 0; i < 100; i++) ASSERT_EQ(create_file(d.get(), "f" + std::to_string(i), random_data(size_t(i) * 300, uint32_t(i))), 0);
      ASSERT_EQ(create_file(m.root.get(), "big", random_data(2 << 20, 4)), 0);
      ASSERT_EQ(m.root->symlink("s", 1, std::string(100, 's').data(), 100), 0);
      ASSERT_EQ(rename(d.get(), "f1", m.root.get(), "moved"), 0);
      ASSERT_EQ(unlink(d.get(), "f2"), 0);
      ASSERT_EQ(m.unmount(), 0);
    }
    ASSERT_TRUE(img.check());
    Mounted m(img.path);
    EXPECT_EQ(contents(m.root.get(), "dir/f50"), random_data(50 * 300, 50));
    EXPECT_EQ(contents(m.root.get(), "moved"), random_data(300, 1));
    EXPECT_TRUE(contents(m.root.get(), "big") == random_data(2 << 20, 4));
  }
}

// A file larger than 2 GiB (sparse) sets large_file; revision 0 refuses it.
TEST(Ext2Write, LargeFileFeature) {
  KILN_REQUIRE_E2FSPROGS();
  Image img(4096, 8192, "-O ^large_file");
  {
    Mounted m(img.path);
    ASSERT_EQ(m.error, 0);
    NodeRef f;
    ASSERT_EQ(create_file(m.root.get(), "huge", "", &f), 0);
    ASSERT_EQ(f->write(3ull << 30, "x", 1), 1);
    ASSERT_EQ(m.unmount(), 0);
  }
  ASSERT_TRUE(img.check());
  EXPECT_NE(debugfs(img.path, "features").find("large_file"), std::string::npos);
  Image old(1024, 4096, "-r 0");
  Mounted m(old.path);
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(create_file(m.root.get(), "huge", "", &f), 0);
  EXPECT_EQ(f->write(3ull << 30, "x", 1), -EFBIG);
  EXPECT_EQ(f->write((2ull << 30) - 3, "abcdef", 6), 2);
}

// Random operations against a model, remounted and checked at the end.
TEST(Ext2Write, RandomOperationsMatchAModel) {
  KILN_REQUIRE_E2FSPROGS();
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    Image img(seed == 2 ? 4096 : 1024, 16384);
    std::map<std::string, std::string> files;  // path -> contents
    std::set<std::string> dirs = {""};
    std::mt19937 rng(seed);
    auto pick = [&](auto& c) {
      auto it = c.begin();
      std::advance(it, rng() % c.size());
      return *it;
    };
    {
      Mounted m(img.path, false, 32 * 1024);
      ASSERT_EQ(m.error, 0);
      for (int step = 0; step < 1500; step++) {
        int op = int(rng() % 10);
        std::string dir = pick(dirs);
        NodeRef d;
        ASSERT_EQ(walk(m.root.get(), dir, &d), 0);
        std::string name = "n" + std::to_string(rng() % 60);
        std::string path = dir.empty() ? name : dir + "/" + name;
        bool exists = files.count(path) || dirs.count(path);
        if (op <= 2) {  // create and write
          std::string data = random_data(rng() % 40000, rng());
          long r = create_file(d.get(), name, data);
          ASSERT_EQ(r, exists ? -EEXIST : 0) << path;
          if (!exists) files[path] = data;
        } else if (op == 3) {  // mkdir
          ASSERT_EQ(mkdir(d.get(), name), exists ? -EEXIST : 0);
          if (!exists) dirs.insert(path);
        } else if (op == 4 && !files.empty()) {  // overwrite a piece
          auto [p, data] = pick(files);
          NodeRef f;
          ASSERT_EQ(walk(m.root.get(), p, &f), 0);
          uint64_t off = rng() % (data.size() + 5000);
          std::string piece = random_data(rng() % 20000 + 1, rng());
          ASSERT_EQ(write_all(f.get(), off, piece), 0);
          if (data.size() < off + piece.size()) data.resize(off + piece.size(), '\0');
          data.replace(off, piece.size(), piece);
          files[p] = data;
        } else if (op == 5 && !files.empty()) {  // truncate
          auto [p, data] = pick(files);
          NodeRef f;
          ASSERT_EQ(walk(m.root.get(), p, &f), 0);
          Attr a;
          a.size = rng() % 60000;
          ASSERT_EQ(f->setattr(a, kSetSize), 0);
          data.resize(a.size, '\0');
          files[p] = data;
        } else if (op == 6 && !files.empty()) {  // unlink
          std::string p = pick(files).first;
          NodeRef pd;
          std::string last;
          ASSERT_EQ(walk_parent(m.root.get(), p, &pd, &last), 0);
          ASSERT_EQ(unlink(pd.get(), last), 0);
          files.erase(p);
        } else if (op == 7 && !files.empty()) {  // rename a file, maybe over another
          std::string p = pick(files).first;
          std::string to_dir = pick(dirs);
          std::string to = (to_dir.empty() ? "" : to_dir + "/") + "r" + std::to_string(rng() % 30);
          NodeRef pd, td;
          std::string last, to_last;
          ASSERT_EQ(walk_parent(m.root.get(), p, &pd, &last), 0);
          ASSERT_EQ(walk_parent(m.root.get(), to, &td, &to_last), 0);
          long r = rename(pd.get(), last, td.get(), to_last);
          if (dirs.count(to)) {
            ASSERT_EQ(r, -EISDIR);
          } else {
            ASSERT_EQ(r, 0) << p << " -> " << to;
            std::string data = files[p];
            files.erase(p);
            files[to] = data;
          }
        } else if (op == 8 && dirs.size() > 1) {  // rmdir when empty
          std::string p = pick(dirs);
          if (p.empty()) continue;
          bool empty = true;
          for (auto& [f, _] : files)
            if (f.rfind(p + "/", 0) == 0) empty = false;
          for (auto& dd : dirs)
            if (dd.rfind(p + "/", 0) == 0) empty = false;
          NodeRef pd;
          std::string last;
          ASSERT_EQ(walk_parent(m.root.get(), p, &pd, &last), 0);
          ASSERT_EQ(rmdir(pd.get(), last), empty ? 0 : -ENOTEMPTY) << p;
          if (empty) dirs.erase(p);
        } else if (op == 9) {
          ASSERT_EQ(m.fs->sync(), 0);
        }
      }
      ASSERT_EQ(m.unmount(), 0);
    }
    ASSERT_TRUE(img.check());
    Mounted m(img.path);
    for (auto& [p, data] : files) ASSERT_TRUE(contents(m.root.get(), p) == data) << p;
    for (auto& d : dirs) {
      NodeRef n;
      ASSERT_EQ(walk(m.root.get(), d, &n), 0) << d;
      size_t want = 0;
      for (auto& [f, _] : files)
        if (f.rfind(d.empty() ? "" : d + "/", 0) == 0 && f.find('/', d.empty() ? 0 : d.size() + 1) == std::string::npos) want++;
      for (auto& dd : dirs)
        if (!dd.empty() && dd != d && dd.rfind(d.empty() ? "" : d + "/", 0) == 0 &&
            dd.find('/', d.empty() ? 0 : d.size() + 1) == std::string::npos)
          want++;
      EXPECT_EQ(names(n.get()).size(), want + (d.empty() ? 1 : 0)) << d;  // lost+found
    }
  }
}

// A failing device: writes fail cleanly, nothing crashes, and unmount reports it.
TEST(Ext2Write, DeviceErrors) {
  KILN_REQUIRE_E2FSPROGS();
  Image img(1024, 4096);
  Mounted m(img.path, false, 16 * 1024);
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(create_file(m.root.get(), "f", "x", &f), 0);
  m.dev->fail_writes = true;
  long r = write_all(f.get(), 0, random_data(200000, 1));  // evictions must write back
  EXPECT_EQ(r, -EIO);
  EXPECT_EQ(m.fs->sync(), -EIO);
  m.dev->fail_reads = true;
  std::string s;
  NodeRef none;
  (void)lookup(m.root.get(), "anything", &none);
  m.dev->fail_reads = false;
  m.dev->fail_writes = false;
  EXPECT_EQ(m.fs->sync(), 0);
  f.reset();
  EXPECT_EQ(m.unmount(), 0);
}

}  // namespace
}  // namespace kiln::fs::ext2_test
