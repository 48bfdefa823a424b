// Corrupt ext2 volumes: a bad superblock or group descriptor is refused at
// mount; damage below (block pointers out of range or in a cycle, broken
// directory entries, impossible sizes, "..", link counts) gives -EUCLEAN
// (or -EIO) for the operation that meets it, and nothing crashes or loops,
// reading or writing. Random byte flips and truncations finish the job.
#include "fs_ext2_util.h"  // first: kiln's errno names before the C library's macros
#include "fs_ext2_walk.h"

#include <fstream>
#include <regex>

namespace kiln::fs::ext2_test {
namespace {

namespace sfs = std::filesystem;
constexpr long kEUCLEAN = 117;

void put(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// A small volume with a bit of everything.
struct Volume {
  TempDir dir;
  std::string image = dir.path + "/img";
  explicit Volume(uint32_t block_size = 1024, const std::string& options = "") {
    std::string src = dir.path + "/src";
    sfs::create_directories(src + "/a/b");
    put(src + "/file", "small file\n");
    put(src + "/big", random_data(40000, 1));  // single indirect at 1 KiB
    put(src + "/a/b/deep", "deep");
    for (int i = 0; i < 40; i++) put(src + "/a/f" + std::to_string(i), std::to_string(i));
    ::symlink("file", (src + "/fast").c_str());
    ::symlink(std::string(100, 'x').c_str(), (src + "/slow").c_str());
    std::string log;
    EXPECT_TRUE(mkfs(image, block_size, 2048, src, options, &log)) << log;
  }
  void debugfs_w(const std::string& req) const { debugfs(image, req, true); }
  // The physical block of logical block `n` of `path`.
  uint32_t bmap(const std::string& path, uint32_t n) const {
    return uint32_t(std::stoul("0" + trim(debugfs(image, "bmap " + path + " " + std::to_string(n)))));
  }
  uint32_t ind_block(const std::string& path) const {
    std::smatch m;
    std::string st = debugfs(image, "stat " + path);
    if (!std::regex_search(st, m, std::regex("\\(IND\\):(\\d+)"))) return 0;
    return uint32_t(std::stoul(m[1]));
  }
  uint32_t ino(const std::string& path) const {
    std::smatch m;
    std::string st = debugfs(image, "stat " + path);
    if (!std::regex_search(st, m, std::regex("Inode: (\\d+)"))) return 0;
    return uint32_t(std::stoul(m[1]));
  }
  void poke(uint64_t offset, const void* data, size_t n) const {
    int fd = ::open(image.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, data, n, off_t(offset)), ssize_t(n));
    ::close(fd);
  }
  void poke32(uint64_t offset, uint32_t v) const { poke(offset, &v, 4); }
  void poke16(uint64_t offset, uint16_t v) const { poke(offset, &v, 2); }
  static std::string trim(const std::string& s) {
    std::string digits;
    for (char c : s.substr(s.find('\n') + 1))
      if (isdigit(static_cast<unsigned char>(c))) digits += c;
      else if (!digits.empty()) break;
    return digits;
  }
};

// Mounts (read-write unless the volume says otherwise) and walks everything
// twice, the second time changing things; returns the mount result.
long mount_and_walk(const std::string& image, WalkStats* st = nullptr, bool writes = true) {
  Mounted m(image);
  if (m.error) return m.error;
  WalkStats local;
  WalkLimits lim;
  lim.max_nodes = 500;
  walk_node(m.root.get(), 0, lim, st ? st : &local);
  lim.writes = writes;
  walk_node(m.root.get(), 0, lim, st ? st : &local);
  StatFs s;
  EXPECT_EQ(m.fs->statfs(&s), 0);
  m.fs->sync();
  m.unmount();
  return 0;
}

struct SuperCase {
  const char* name;
  const char* request;  // debugfs -w
  long result;
};

class Ext2BadSuper : public ::testing::TestWithParam<SuperCase> {};

TEST_P(Ext2BadSuper, Refused) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  if (std::string(GetParam().name) == "magic") v.poke16(1024 + 56, 0x1234);
  else v.debugfs_w(GetParam().request);
  Mounted m(v.image);
  EXPECT_EQ(m.error, GetParam().result) << (m.why ? m.why : "");
  EXPECT_NE(m.why, nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    All, Ext2BadSuper,
    ::testing::Values(SuperCase{"magic", "ssv magic 0x1234", -EINVAL},
                      SuperCase{"revision", "ssv rev_level 2", -EINVAL},
                      SuperCase{"block_size", "ssv log_block_size 6", -EINVAL},
                      SuperCase{"inodes_count", "ssv inodes_count 5", -kEUCLEAN},
                      SuperCase{"blocks_per_group", "ssv blocks_per_group 0", -kEUCLEAN},
                      SuperCase{"blocks_per_group_huge", "ssv blocks_per_group 100000", -kEUCLEAN},
                      SuperCase{"inodes_per_group", "ssv inodes_per_group 0", -kEUCLEAN},
                      SuperCase{"inode_size", "ssv inode_size 100", -kEUCLEAN},
                      SuperCase{"inode_size_huge", "ssv inode_size 8192", -kEUCLEAN},
                      SuperCase{"first_ino", "ssv first_ino 1", -kEUCLEAN},
                      SuperCase{"first_data_block", "ssv first_data_block 0", -kEUCLEAN},
                      SuperCase{"blocks_count", "ssv blocks_count 99999999", -EINVAL},
                      SuperCase{"blocks_count_tiny", "ssv blocks_count 1", -kEUCLEAN},
                      SuperCase{"block_bitmap", "set_bg 0 block_bitmap 999999", -kEUCLEAN},
                      SuperCase{"inode_table", "set_bg 0 inode_table 2040", -kEUCLEAN},
                      SuperCase{"free_blocks", "set_bg 0 free_blocks_count 60000", -kEUCLEAN},
                      SuperCase{"unknown_incompat", "ssv feature_incompat 0x80000002", -EINVAL}),
    [](const ::testing::TestParamInfo<SuperCase>& i) { return std::string(i.param.name); });

TEST(Ext2Corrupt, RootNotADirectory) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  v.debugfs_w("sif <2> mode 0100644");
  Mounted m(v.image);
  EXPECT_EQ(m.error, -kEUCLEAN);
  ASSERT_NE(m.why, nullptr);
  EXPECT_NE(std::string(m.why).find("root"), std::string::npos);
}

TEST(Ext2Corrupt, BlockPointerOutOfRange) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  v.debugfs_w("sif /file block[0] 99999999");
  v.debugfs_w("sif /big block[IND] 4000000");
  {
    Mounted m(v.image);
    ASSERT_EQ(m.error, 0);
    NodeRef f, big;
    ASSERT_EQ(walk(m.root.get(), "file", &f), 0);
    char buf[16];
    EXPECT_EQ(f->read(0, buf, sizeof buf), -kEUCLEAN);
    EXPECT_EQ(f->write(0, "x", 1), -kEUCLEAN);
    ASSERT_EQ(walk(m.root.get(), "big", &big), 0);
    std::string data;
    EXPECT_EQ(read_all(big.get(), &data), -kEUCLEAN);
    EXPECT_EQ(data.size(), 12u * 1024);  // the direct blocks came first
    // Removal gets past the bad pointers (and says so).
    f.reset();
    big.reset();
    EXPECT_EQ(m.root->remove("file", 4, false), 0);
    EXPECT_EQ(m.root->remove("big", 3, false), 0);
    ASSERT_EQ(m.unmount(), 0);
  }
  EXPECT_EQ(super_state(v.image) & 2, 2);  // errors recorded
}

TEST(Ext2Corrupt, CyclicIndirectBlock) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  uint32_t ind = v.ind_block("/big");
  ASSERT_NE(ind, 0u);
  // The indirect block's first entry points at itself, its second at a
  // block of the inode table.
  v.poke32(uint64_t(ind) * 1024, ind);
  v.poke32(uint64_t(ind) * 1024 + 4, 5);
  WalkStats st;
  EXPECT_EQ(mount_and_walk(v.image, &st), 0);
  EXPECT_GT(st.errors, 0);
  // The same block in two files' maps.
  Volume w;
  uint32_t shared = w.bmap("/big", 0);
  w.debugfs_w("sif /file block[0] " + std::to_string(shared));
  EXPECT_EQ(mount_and_walk(w.image), 0);
}

TEST(Ext2Corrupt, DirectoryEntries) {
  KILN_REQUIRE_E2FSPROGS();
  // rec_len 0, rec_len past the block, unaligned, name longer than the record.
  for (uint16_t rec_len : {0, 3, 13, 2000, 8}) {
    SCOPED_TRACE(rec_len);
    Volume v;
    uint32_t blk = v.bmap("/a", 0);
    v.poke16(uint64_t(blk) * 1024 + 12 + 4, rec_len);  // ".." entry
    Mounted m(v.image);
    ASSERT_EQ(m.error, 0);
    NodeRef a;
    ASSERT_EQ(walk(m.root.get(), "a", &a), 0);
    std::vector<DirEnt> ents;
    EXPECT_EQ(list_dir(a.get(), &ents), -kEUCLEAN);
    NodeRef x;
    EXPECT_EQ(lookup(a.get(), "f1", &x), -kEUCLEAN);
    EXPECT_EQ(a->create("new", 3, kS_IFREG | 0644, 0, nullptr), -kEUCLEAN);
    EXPECT_EQ(m.root->remove("a", 1, true), -kEUCLEAN);
  }
  // A name length past its record.
  Volume v;
  uint32_t blk = v.bmap("/a", 0);
  uint8_t len = 200;
  v.poke(uint64_t(blk) * 1024 + 24 + 6, &len, 1);  // the entry after ".."
  WalkStats st;
  EXPECT_EQ(mount_and_walk(v.image, &st), 0);
  EXPECT_GT(st.errors, 0);
}

TEST(Ext2Corrupt, EntryInodes) {
  KILN_REQUIRE_E2FSPROGS();
  {
    Volume v;
    v.debugfs_w("ln <7> /resize");           // a reserved inode
    std::smatch mm;
    std::string stats = debugfs(v.image, "stats");
    ASSERT_TRUE(std::regex_search(stats, mm, std::regex("Inode count: +(\\d+)")));
    v.debugfs_w("ln <" + std::to_string(std::stoul(mm[1]) - 1) + "> /free");  // an inode nobody uses
    v.debugfs_w("sif /fast links_count 0");  // a linked inode with no links
    Mounted m(v.image);
    ASSERT_EQ(m.error, 0);
    NodeRef n;
    EXPECT_EQ(lookup(m.root.get(), "resize", &n), -kEUCLEAN);
    EXPECT_EQ(lookup(m.root.get(), "free", &n), -kEUCLEAN);
    EXPECT_EQ(lookup(m.root.get(), "fast", &n), -kEUCLEAN);
    EXPECT_EQ(lookup(m.root.get(), "file", &n), 0);
    EXPECT_EQ(m.root->remove("resize", 6, false), -kEUCLEAN);
    EXPECT_EQ(m.root->remove("free", 4, false), -kEUCLEAN);
  }
  {
    Volume v;
    uint32_t blk = v.bmap("/", 0);
    v.poke32(uint64_t(blk) * 1024 + 12, 999999);  // ".." of the root: past the inode count
    Mounted m(v.image);
    ASSERT_EQ(m.error, 0);
    std::vector<DirEnt> ents;
    EXPECT_EQ(list_dir(m.root.get(), &ents), -kEUCLEAN);
    NodeRef n;
    EXPECT_EQ(lookup(m.root.get(), "file", &n), -kEUCLEAN);
  }
}

TEST(Ext2Corrupt, ImpossibleSizes) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  v.debugfs_w("sif /a size 1000");        // not whole blocks
  v.debugfs_w("sif /a/b size 4000000000"); // more than the volume
  v.debugfs_w("sif /fast size 1000");     // a fast symlink longer than i_block
  v.debugfs_w("sif /slow size 5000");     // a slow one longer than its block
  Mounted m(v.image);
  ASSERT_EQ(m.error, 0);
  NodeRef a, fast, slow, b;
  ASSERT_EQ(walk(m.root.get(), "a", &a), 0);
  std::vector<DirEnt> ents;
  EXPECT_EQ(list_dir(a.get(), &ents), -kEUCLEAN);
  ASSERT_EQ(walk(m.root.get(), "fast", &fast), 0);
  ASSERT_EQ(walk(m.root.get(), "slow", &slow), 0);
  char buf[8192];
  EXPECT_EQ(fast->readlink(buf, sizeof buf), -kEUCLEAN);
  EXPECT_EQ(slow->readlink(buf, sizeof buf), -kEUCLEAN);
  // A directory with a hole.
  Volume w;
  w.debugfs_w("sif /a block[0] 0");
  EXPECT_EQ(mount_and_walk(w.image), 0);
}

// ".." loops: rename's ancestor walk ends.
TEST(Ext2Corrupt, DotDotCycle) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  uint32_t a = v.ino("/a"), b = v.ino("/a/b");
  v.poke32(uint64_t(v.bmap("/a", 0)) * 1024 + 12, b);  // a/.. = b
  Mounted m(v.image);
  ASSERT_EQ(m.error, 0);
  NodeRef na, nb;
  ASSERT_EQ(walk(m.root.get(), "a/b", &nb), 0);
  ASSERT_EQ(m.root->create("x", 1, kS_IFDIR | 0755, 0, nullptr), 0);
  // Moving x below b walks b -> a -> b -> ... : refused, not looped.
  long r = m.root->rename("x", 1, nb.get(), "x", 1);
  EXPECT_EQ(r, -kEUCLEAN);
  (void)a;
}

TEST(Ext2Corrupt, BitmapCallsMetadataFree) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  // Clear every bit of group 0's block bitmap: the first "free" block is
  // the superblock.
  std::string st = debugfs(v.image, "stats");
  std::smatch mm;
  ASSERT_TRUE(std::regex_search(st, mm, std::regex("block bitmap at (\\d+)")));
  uint32_t bitmap = uint32_t(std::stoul(mm[1]));
  std::vector<char> zeros(1024, 0);
  v.poke(uint64_t(bitmap) * 1024, zeros.data(), zeros.size());
  v.debugfs_w("set_bg 0 free_blocks_count 100");
  Mounted m(v.image);
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(walk(m.root.get(), "file", &f), 0);
  EXPECT_EQ(f->write(5000, "x", 1), -kEUCLEAN);
}

// Random damage to the metadata at the front of the volume: anything may
// fail, nothing may crash or hang.
TEST(Ext2Corrupt, ByteFlips) {
  KILN_REQUIRE_E2FSPROGS();
  for (uint32_t bs : {1024u, 4096u}) {
    Volume v(bs);
    std::vector<uint8_t> pristine;
    {
      std::ifstream in(v.image, std::ios::binary);
      pristine.assign(std::istreambuf_iterator<char>(in), {});
    }
    int mounted = 0;
    for (uint32_t seed = 0; seed < 300; seed++) {
      std::mt19937 rng(seed);
      std::vector<uint8_t> img = pristine;
      size_t span = std::min<size_t>(img.size(), bs == 1024 ? 120 * 1024 : 200 * 1024);
      int flips = 1 + int(rng() % 20);
      for (int i = 0; i < flips; i++) {
        size_t at = 1024 + rng() % (span - 1024);
        img[at] ^= uint8_t(1u << (rng() % 8));
        if (rng() % 4 == 0) img[at] = uint8_t(rng());
      }
      MemBlockDevice dev(img);
      Ext2Options o;
      o.cache_bytes = 32 * 1024;
      o.now = host_now;
      FileSystem* fs = nullptr;
      const char* why = nullptr;
      if (ext2_mount(&dev, o, &fs, &why) != 0) continue;
      mounted++;
      WalkLimits lim;
      lim.max_nodes = 300;
      lim.max_read = 1 << 16;
      WalkStats st;
      Node* root = fs->root();
      walk_node(root, 0, lim, &st);
      lim.writes = true;
      walk_node(root, 0, lim, &st);
      root->put();
      ext2_unmount(fs);
    }
    EXPECT_GT(mounted, 100);
  }
}

TEST(Ext2Corrupt, TruncatedDevice) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  std::vector<uint8_t> img;
  {
    std::ifstream in(v.image, std::ios::binary);
    img.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (size_t keep : {0ul, 1024ul, 2047ul, 2048ul, 4096ul, 100000ul, img.size() - 1024}) {
    std::vector<uint8_t> part(img.begin(), img.begin() + long(std::min(keep, img.size())));
    MemBlockDevice dev(part);
    FileSystem* fs = nullptr;
    const char* why = nullptr;
    EXPECT_LT(ext2_mount(&dev, false, &fs, &why), 0) << keep;
  }
}

// The checker itself notices damage (so "clean" in the other tests means something).
TEST(Ext2Corrupt, FsckNoticesDamage) {
  KILN_REQUIRE_E2FSPROGS();
  Volume v;
  EXPECT_TRUE(fsck_clean(v.image));
  v.debugfs_w("ssv free_blocks_count 7");
  EXPECT_FALSE(fsck_clean(v.image));
}

}  // namespace
}  // namespace kiln::fs::ext2_test
