// ISO 9660 against images crafted byte by byte: every Rock Ridge entry form
// (NM and SL continued across entries and continuation areas, PN, TF long
// form, CL/PL/RE), multi-extent files, extended attribute records, Joliet
// and plain name rules, and corrupt media (continuation loops, bad lengths,
// extents outside the volume, failing devices).
#include "fs_iso9660_util.h"  // first: kiln's errno names before the C library's macros

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "fs/iso9660/block_cache.h"
#include "fs/iso9660/format.h"
#include "fs/iso9660/rock_ridge.h"
#include "fs_iso9660_builder.h"
#include "fs_iso9660_images.h"
#include "fs_iso9660_walk.h"

namespace kiln::fs::iso9660_test {
namespace {

// An image in memory, mounted.
struct MemMounted {
  std::vector<uint8_t> img;
  MemBlockDevice dev;
  FileSystem* fs = nullptr;
  NodeRef root;
  long error = 0;
  const char* why = nullptr;

  explicit MemMounted(std::vector<uint8_t> image) : img(std::move(image)), dev(img) {
    error = iso9660_mount(&dev, &fs, &why);
    if (error == 0) root = NodeRef(fs->root());
  }
  ~MemMounted() {
    root.reset();
    delete fs;
  }
};

std::vector<std::string> names_of(Node* dir, long* err = nullptr) {
  std::vector<DirEnt> ents;
  long r = list_dir(dir, &ents);
  if (err) *err = r;
  std::vector<std::string> out;
  for (auto& e : ents) out.push_back(e.name);
  return out;
}

// --- Rock Ridge ----------------------------------------------------------------

TEST(Iso9660Crafted, RockRidgeNamesAcrossEntriesAndContinuations) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0) << m.why;
  std::vector<std::string> want = {".", "..", "first-half-second-half", kName255, "link", "null",
                                   "sda1", "fifo", "sock", "times", "nonm", "multi", "xar", "sub",
                                   "stop"};
  EXPECT_EQ(names_of(m.root.get()), want);
  for (const char* hidden : {"relocated", "assoc", ".hidden", "a/b", "ignored", "stop.;1"}) {
    NodeRef n;
    EXPECT_EQ(lookup(m.root.get(), hidden, &n), -ENOENT) << hidden;
  }
  NodeRef a;
  ASSERT_EQ(lookup(m.root.get(), "first-half-second-half", &a), 0);
  Attr at;
  a->getattr(&at);
  EXPECT_EQ(at.mode, kS_IFREG | 0644);
  EXPECT_EQ(at.uid, 10u);
  EXPECT_EQ(at.gid, 20u);
  EXPECT_EQ(at.mtime.sec, kiln::fs::iso9660::civil_to_epoch(2010, 2, 3, 4, 5, 6));  // TF in the CE area
  EXPECT_EQ(at.atime.sec, kShortDate);  // the record's date
  NodeRef l;
  ASSERT_EQ(lookup(m.root.get(), kName255, &l), 0);
}

TEST(Iso9660Crafted, RockRidgeNamesOverNameMaxAreCut) {
  IsoBuilder b(32);
  std::string first(150, 'a'), rest(150, 'b');
  b.put(19, 0, nm(rest));
  b.directory(18, {dot_record(18, 2048, sp()), dotdot_record(18, 2048),
                   record(30, 1, 0, "X.;1", nm(first, 1) + ce(19, 0, 155)),
                   record(30, 1, 0, "Y.;1", nm("with") + nm(std::string("\0hidden", 7)) + nm("-nul"))});
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  std::string cut = first + rest.substr(0, 105);
  EXPECT_EQ(names_of(m.root.get()), (std::vector<std::string>{".", "..", cut, "with-nul"}));
  NodeRef n;
  EXPECT_EQ(lookup(m.root.get(), cut, &n), 0);
}

TEST(Iso9660Crafted, RockRidgeSymlinkComponentsContinue) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0);
  NodeRef l;
  ASSERT_EQ(lookup(m.root.get(), "link", &l), 0);
  char buf[64];
  long n = l->readlink(buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, size_t(n)), "/usr/local/.././bin");
  Attr a;
  l->getattr(&a);
  EXPECT_EQ(a.size, 19u);
  EXPECT_EQ(a.mode, kS_IFLNK | 0777);
  EXPECT_EQ(l->read(0, buf, 1), -EINVAL);
}

TEST(Iso9660Crafted, RockRidgeDevicesFifosSocketsAndTimes) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0);
  std::vector<DirEnt> ents;
  ASSERT_EQ(list_dir(m.root.get(), &ents), 0);
  std::map<std::string, uint8_t> types;
  for (auto& e : ents) types[e.name] = e.type;
  EXPECT_EQ(types["null"], kDT_CHR);
  EXPECT_EQ(types["sda1"], kDT_BLK);
  EXPECT_EQ(types["fifo"], kDT_FIFO);
  EXPECT_EQ(types["sock"], kDT_SOCK);
  EXPECT_EQ(types["sub"], kDT_DIR);
  EXPECT_EQ(types["link"], kDT_LNK);
  EXPECT_EQ(types["multi"], kDT_REG);
  NodeRef n;
  Attr a;
  ASSERT_EQ(lookup(m.root.get(), "null", &n), 0);
  n->getattr(&a);
  EXPECT_EQ(a.rdev, 0x103u);
  EXPECT_EQ(a.mode, kS_IFCHR | 0620);
  EXPECT_EQ(a.gid, 5u);
  ASSERT_EQ(lookup(m.root.get(), "sda1", &n), 0);
  n->getattr(&a);
  EXPECT_EQ(a.rdev, 0x801u);
  ASSERT_EQ(lookup(m.root.get(), "times", &n), 0);
  n->getattr(&a);
  EXPECT_EQ(a.mtime.sec, kiln::fs::iso9660::civil_to_epoch(2020, 1, 2, 3, 4, 5));
  EXPECT_EQ(a.mtime.nsec, 120000000);
  EXPECT_EQ(a.atime.sec, kiln::fs::iso9660::civil_to_epoch(2021, 1, 2, 3, 4, 5));
  EXPECT_EQ(a.ctime.sec, kiln::fs::iso9660::civil_to_epoch(2022, 1, 2, 3, 4, 5) - 3600);
  EXPECT_EQ(a.ctime.nsec, 990000000);
  ASSERT_EQ(lookup(m.root.get(), "nonm", &n), 0);
  n->getattr(&a);
  EXPECT_EQ(a.mode, kS_IFREG | 0444);
  // The root's attributes come from its "." record.
  m.root->getattr(&a);
  EXPECT_EQ(a.mode, kS_IFDIR | 0755);
  EXPECT_EQ(a.nlink, 3u);
  EXPECT_EQ(a.mtime.sec, kiln::fs::iso9660::civil_to_epoch(2000, 2, 3, 4, 5, 6));
}

TEST(Iso9660Crafted, MultiExtentFileReadsAcrossSections) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(lookup(m.root.get(), "multi", &f), 0);
  Attr a;
  f->getattr(&a);
  EXPECT_EQ(a.size, 2048u + 4096u + 100u);
  std::string want = pattern(2048, 1) + pattern(4096, 2) + pattern(100, 3);
  for (size_t chunk : {size_t(1) << 20, size_t(4096), size_t(2047), size_t(7)}) {
    std::string got;
    ASSERT_EQ(read_all(f.get(), &got, chunk), 0);
    EXPECT_TRUE(got == want) << chunk;
  }
  char buf[200];
  ASSERT_EQ(f->read(2000, buf, 100), 100);  // across the first boundary
  EXPECT_EQ(std::string(buf, 100), want.substr(2000, 100));
  ASSERT_EQ(f->read(6100, buf, 200), 144);  // into the last section, to the end
  EXPECT_EQ(std::string(buf, 144), want.substr(6100));
}

TEST(Iso9660Crafted, ExtendedAttributeRecordIsSkipped) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0);
  NodeRef f;
  ASSERT_EQ(lookup(m.root.get(), "xar", &f), 0);
  std::string got;
  ASSERT_EQ(read_all(f.get(), &got), 0);
  EXPECT_EQ(got, "hello");
}

TEST(Iso9660Crafted, InodeNumbersAreStableAndDistinct) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0);
  std::vector<DirEnt> ents;
  ASSERT_EQ(list_dir(m.root.get(), &ents), 0);
  std::set<uint64_t> seen;
  for (auto& e : ents) {
    if (e.name == "..") continue;  // the root's parent is itself
    EXPECT_TRUE(seen.insert(e.ino).second) << e.name;
    NodeRef n, again;
    ASSERT_EQ(lookup(m.root.get(), e.name, &n), 0);
    ASSERT_EQ(lookup(m.root.get(), e.name, &again), 0);
    Attr a, b;
    n->getattr(&a), again->getattr(&b);
    EXPECT_EQ(a.ino, e.ino) << e.name;
    EXPECT_EQ(b.ino, e.ino) << e.name;
  }
  NodeRef sub, up, inner;
  ASSERT_EQ(lookup(m.root.get(), "sub", &sub), 0);
  {
    // A directory in use is the same node when reached again.
    NodeRef again;
    ASSERT_EQ(lookup(m.root.get(), "sub", &again), 0);
    EXPECT_EQ(again.get(), sub.get());
    NodeRef file, file_again;
    ASSERT_EQ(lookup(m.root.get(), "xar", &file), 0);
    ASSERT_EQ(lookup(m.root.get(), "xar", &file_again), 0);
    EXPECT_NE(file.get(), file_again.get());
  }
  ASSERT_EQ(lookup(sub.get(), "..", &up), 0);
  EXPECT_EQ(up.get(), m.root.get());
  ASSERT_EQ(lookup(sub.get(), "inner", &inner), 0);
  std::vector<DirEnt> sub_ents;
  ASSERT_EQ(list_dir(sub.get(), &sub_ents), 0);
  ASSERT_EQ(sub_ents.size(), 3u);
  Attr ra, sa;
  m.root->getattr(&ra), sub->getattr(&sa);
  EXPECT_EQ(sub_ents[0].ino, sa.ino);
  EXPECT_EQ(sub_ents[1].ino, ra.ino);
  EXPECT_EQ(sa.mode, kS_IFDIR | 0700);
}

TEST(Iso9660Crafted, ReaddirCookies) {
  MemMounted m(rock_ridge_image());
  ASSERT_EQ(m.error, 0);
  auto all = names_of(m.root.get());
  for (size_t batch = 1; batch < 5; batch++) {
    std::vector<DirEnt> ents;
    ASSERT_EQ(list_dir(m.root.get(), &ents, batch), 0);
    ASSERT_EQ(ents.size(), all.size());
    for (size_t i = 0; i < all.size(); i++) EXPECT_EQ(ents[i].name, all[i]);
  }
  // Any cookie, even one in the middle of a record, is safe.
  for (uint64_t c = 0; c < 2048 + 8; c++) {
    uint64_t cookie = c;
    int n = 0;
    m.root->readdir(&cookie, [](void* x, uint64_t, uint8_t, const char*, size_t, uint64_t) {
      ++*static_cast<int*>(x);
      return true;
    }, &n);
    EXPECT_LT(n, 100);
  }
  uint64_t end = uint64_t(1) << 40;
  int n = 0;
  EXPECT_EQ(m.root->readdir(&end, [](void* x, uint64_t, uint8_t, const char*, size_t, uint64_t) {
    ++*static_cast<int*>(x);
    return true;
  }, &n), 0);
  EXPECT_EQ(n, 0);
}

// --- Relocated directories ----------------------------------------------------------

TEST(Iso9660Crafted, RelocatedDirectoryAppearsWhereItsChildLinkIs) {
  MemMounted m(relocation_image());
  ASSERT_EQ(m.error, 0) << m.why;
  EXPECT_EQ(names_of(m.root.get()), (std::vector<std::string>{".", "..", "a"}));
  NodeRef a, deep, up, f;
  ASSERT_EQ(lookup(m.root.get(), "a", &a), 0);
  std::vector<DirEnt> ents;
  ASSERT_EQ(list_dir(a.get(), &ents), 0);
  ASSERT_EQ(ents.size(), 3u);
  EXPECT_EQ(ents[2].name, "deep");
  EXPECT_EQ(ents[2].type, kDT_DIR);
  ASSERT_EQ(lookup(a.get(), "deep", &deep), 0);
  Attr da, aa, ua;
  deep->getattr(&da);
  a->getattr(&aa);
  EXPECT_EQ(da.mode, kS_IFDIR | 0711);
  EXPECT_EQ(da.uid, 7u);
  EXPECT_EQ(da.ino, ents[2].ino);
  EXPECT_EQ(da.size, 2048u);  // from the relocated directory, not the placeholder
  EXPECT_EQ(da.blocks, 4u);
  ASSERT_EQ(lookup(deep.get(), "..", &up), 0);
  up->getattr(&ua);
  EXPECT_EQ(ua.ino, aa.ino);
  ASSERT_EQ(lookup(deep.get(), "f", &f), 0);
  std::string got;
  ASSERT_EQ(read_all(f.get(), &got), 0);
  EXPECT_EQ(got, "data");
}

TEST(Iso9660Crafted, ChildLinkToSomethingElseIsCorrupt) {
  MemMounted m(relocation_image(30));  // file data, not a directory
  ASSERT_EQ(m.error, 0);
  NodeRef a, deep;
  ASSERT_EQ(lookup(m.root.get(), "a", &a), 0);
  EXPECT_EQ(lookup(a.get(), "deep", &deep), -EIO);
  MemMounted far(relocation_image(5000));  // outside the volume
  ASSERT_EQ(far.error, 0);
  ASSERT_EQ(lookup(far.root.get(), "a", &a), 0);
  EXPECT_EQ(lookup(a.get(), "deep", &deep), -EIO);
  MemMounted self(relocation_image(20));  // its own parent: a cycle, walked within bounds
  ASSERT_EQ(self.error, 0);
  WalkStats st;
  walk_node(self.root.get(), 0, WalkLimits{}, &st);
  EXPECT_GT(st.dirs, 5);
}

// --- Continuation areas -----------------------------------------------------------

TEST(Iso9660Crafted, ContinuationLoopsAndBadContinuationsAreEio) {
  struct Case {
    const char* what;
    std::string entry_ce, area;
  } cases[] = {
      {"loop to itself", ce(19, 0, 28), ce(19, 0, 28)},
      {"loop of two", ce(19, 0, 28), ce(19, 100, 28) + std::string(72, '\0') + ce(19, 0, 28)},
      {"outside the volume", ce(5000, 0, 28), ""},
      {"past the block", ce(19, 2040, 28), ""},
      {"offset past the block", ce(19, 4096, 4), ""},
      {"huge length", ce(19, 0, 0xFFFFFFFF), ""},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    MemMounted m(continuation_image(c.entry_ce, c.area));
    ASSERT_EQ(m.error, 0);
    NodeRef n;
    EXPECT_EQ(lookup(m.root.get(), "good", &n), 0);
    EXPECT_EQ(lookup(m.root.get(), "bad", &n), -EIO);
    std::vector<DirEnt> ents;
    EXPECT_EQ(list_dir(m.root.get(), &ents), -EIO);
    ASSERT_EQ(ents.size(), 3u);  // ".", "..", "good", then the error
    EXPECT_EQ(ents[2].name, "good");
  }
  // A chain of 32 continuations is fine; the 33rd is one too many.
  for (int hops : {31, 32, 33}) {
    IsoBuilder b(40);
    std::string first;
    for (int i = 0; i < hops; i++) {
      std::string link = i + 1 < hops ? ce(19, uint32_t((i + 1) * 40), 28) : nm("chained");
      b.put(19, size_t(i) * 40, link);
    }
    b.directory(18, {dot_record(18, 2048, sp()), dotdot_record(18, 2048),
                     record(30, 1, 0, "X.;1", px(0100644) + ce(19, 0, hops > 1 ? 28 : 13))});
    b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
    b.terminator(17);
    MemMounted m(b.img);
    ASSERT_EQ(m.error, 0);
    NodeRef n;
    EXPECT_EQ(lookup(m.root.get(), "chained", &n), hops <= 32 ? 0 : -EIO) << hops;
  }
}

TEST(Iso9660Crafted, SuspSkipBytes) {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048, sp(4) + px(040755)), dotdot_record(18, 2048),
                   record(30, 1, 0, "X.;1", "junk" + px(0100600) + nm("skipped"))});
  b.put(30, 0, "z");
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  NodeRef n;
  ASSERT_EQ(lookup(m.root.get(), "skipped", &n), 0);
  Attr a;
  n->getattr(&a);
  EXPECT_EQ(a.mode, kS_IFREG | 0600);
}

// --- Joliet and plain names -------------------------------------------------------

TEST(Iso9660Crafted, JolietNames) {
  for (bool with_primary : {true, false}) {
    MemMounted m(joliet_image(with_primary));
    ASSERT_EQ(m.error, 0) << m.why;
    EXPECT_EQ(names_of(m.root.get()),
              (std::vector<std::string>{".", "..", "Caf\xC3\xA9", "\xF0\x9F\x98\x80.txt", "?x",
                                        "dots", "Mixed.TXT", "mixed.txt", "Dir"}));
    NodeRef n;
    std::string got;
    ASSERT_EQ(lookup(m.root.get(), "mixed.txt", &n), 0);  // exact first
    ASSERT_EQ(read_all(n.get(), &got), 0);
    EXPECT_EQ(got, "m");
    ASSERT_EQ(lookup(m.root.get(), "MIXED.txt", &n), 0);  // then any case
    got.clear();
    ASSERT_EQ(read_all(n.get(), &got), 0);
    EXPECT_EQ(got, "M");
    ASSERT_EQ(lookup(m.root.get(), "CAF\xC3\xA9", &n), 0);
    // ".." is the directory it was reached from, whatever the record says.
    NodeRef dir, up;
    ASSERT_EQ(lookup(m.root.get(), "dir", &dir), 0);
    ASSERT_EQ(lookup(dir.get(), "..", &up), 0);
    EXPECT_EQ(up.get(), m.root.get());
    std::vector<DirEnt> ents;
    ASSERT_EQ(list_dir(dir.get(), &ents), 0);
    Attr ra;
    m.root->getattr(&ra);
    EXPECT_EQ(ents[1].ino, ra.ino);
  }
}

TEST(Iso9660Crafted, JolietLookupThroughTheNameIndex) {
  IsoBuilder b(64);
  std::vector<std::string> recs = {dot_record(19, 8 * 2048), dotdot_record(19, 8 * 2048)};
  for (int i = 0; i < 150; i++) {
    std::string name = "file-" + std::to_string(i);
    recs.push_back(record(30, 1, 0, ucs2(std::u16string(name.begin(), name.end()))));
  }
  recs.push_back(record(31, 1, 0, ucs2(u"MIXED.txt")));  // first in directory order
  recs.push_back(record(32, 1, 0, ucs2(u"Mixed.TXT")));
  recs.push_back(record(33, 1, 0, ucs2(u"mixed.txt")));
  ASSERT_LE(b.directory(19, recs), 8u * 2048);  // declared 8 blocks: over the index threshold
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048)});
  b.put(31, 0, "1");
  b.put(32, 0, "2");
  b.put(33, 0, "3");
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.joliet(17, record(19, 8 * 2048, 2, std::string(1, '\0')));
  b.terminator(18);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  auto content = [&](const std::string& name) {
    NodeRef n;
    std::string got;
    if (lookup(m.root.get(), name, &n) != 0) return std::string("ENOENT");
    read_all(n.get(), &got);
    return got;
  };
  EXPECT_EQ(content("mixed.txt"), "3");
  EXPECT_EQ(content("Mixed.TXT"), "2");
  EXPECT_EQ(content("MIXED.txt"), "1");
  EXPECT_EQ(content("mixed.TXT"), "1");  // no exact match: the first in directory order
  EXPECT_EQ(content("FILE-149"), std::string(1, '\0'));
  EXPECT_EQ(content("file-150"), "ENOENT");
}

TEST(Iso9660Crafted, PlainNamesFollowLinuxMapNormal) {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048), record(30, 1, 0, "FOO.;1"),
                   record(30, 1, 0, "BAR.TXT;1"), record(30, 1, 0, "A;B;1"),
                   record(30, 1, 0, "SLASH/X"), record(30, 1, 0, "NOVER"),
                   record(30, 1, 0, "UP.TXT;2"), record(20, 2048, 2, "DIR_1"),
                   record(30, 1, 1, "HIDDEN.;1")});
  b.directory(20, {dot_record(20, 2048), dotdot_record(18, 2048)});
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  EXPECT_EQ(names_of(m.root.get()),
            (std::vector<std::string>{".", "..", "foo", "bar.txt", "a.b", "slash.x", "nover",
                                      "up.txt.2", "dir_1", "hidden"}));
  NodeRef d;
  ASSERT_EQ(lookup(m.root.get(), "dir_1", &d), 0);
  Attr a;
  d->getattr(&a);
  EXPECT_EQ(a.mode, kS_IFDIR | 0555);
  EXPECT_EQ(a.nlink, 1u);
  EXPECT_EQ(a.mtime.sec, kShortDate);
  EXPECT_EQ(names_of(d.get()), (std::vector<std::string>{".", ".."}));
}

// --- Corrupt media --------------------------------------------------------------

TEST(Iso9660Crafted, BadRecordsAreEio) {
  auto base = simple_image();
  size_t third = 2 * 34;  // FILE's record follows "." and ".."
  struct Case {
    const char* what;
    size_t at;
    std::vector<uint8_t> bytes;
  } cases[] = {
      {"length below the minimum", 18 * 2048 + third, {20}},
      {"no name", 18 * 2048 + third + 32, {0}},
      {"name past the record", 18 * 2048 + third + 32, {200}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto img = base;
    std::copy(c.bytes.begin(), c.bytes.end(), img.begin() + long(c.at));
    MemMounted m(img);
    ASSERT_EQ(m.error, 0);
    NodeRef n;
    EXPECT_EQ(lookup(m.root.get(), "dir", &n), -EIO);
    std::vector<DirEnt> ents;
    EXPECT_EQ(list_dir(m.root.get(), &ents), -EIO);
  }
  // A record crossing into the next block: records fill the block up to 2028.
  IsoBuilder b(32);
  std::vector<std::string> recs = {dot_record(18, 4096), dotdot_record(18, 4096)};
  for (int i = 0; i < 49; i++) {
    char name[8];
    std::snprintf(name, sizeof name, "F%02d.;1", i);
    recs.push_back(record(30, 5, 0, name));
  }
  b.directory(18, recs);
  b.put(18, 2028, record(30, 5, 0, "CROSS.;1"));
  b.primary(16, record(18, 4096, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  std::vector<DirEnt> ents;
  EXPECT_EQ(list_dir(m.root.get(), &ents), -EIO);
  EXPECT_EQ(ents.size(), 51u);
}

TEST(Iso9660Crafted, LookupsInAnyOrder) {
  std::vector<std::string> names;
  for (int i = 0; i < 200; i++) {
    char name[16];
    std::snprintf(name, sizeof name, "f%03d", i);
    names.push_back(name);
  }
  MemMounted m(many_entries_image());
  ASSERT_EQ(m.error, 0);
  std::vector<size_t> order(names.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  auto check = [&] {
    for (size_t i : order) {
      NodeRef n;
      ASSERT_EQ(lookup(m.root.get(), names[i], &n), 0) << names[i];
      char c;
      ASSERT_EQ(n->read(0, &c, 1), 1);
      EXPECT_EQ(c, char('a' + i % 20));
    }
  };
  check();
  std::reverse(order.begin(), order.end());
  check();
  std::mt19937 rng(1);
  std::shuffle(order.begin(), order.end(), rng);
  check();
  NodeRef none;
  EXPECT_EQ(lookup(m.root.get(), "f200", &none), -ENOENT);
}

TEST(Iso9660Crafted, ACorruptRecordHidesOnlyWhatFollowsIt) {
  IsoBuilder b(32);
  std::string bad = record(30, 1, 0, "BAD.;1");
  bad[32] = char(200);  // its name runs past the record
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048), record(30, 1, 0, "A.;1"),
                   record(30, 1, 0, "B.;1"), bad, record(30, 1, 0, "C.;1")});
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  NodeRef n;
  for (const char* name : {"b", "a", "b", "a"}) EXPECT_EQ(lookup(m.root.get(), name, &n), 0) << name;
  EXPECT_EQ(lookup(m.root.get(), "c", &n), -EIO);
  EXPECT_EQ(lookup(m.root.get(), "a", &n), 0);
  EXPECT_EQ(lookup(m.root.get(), "zzz", &n), -EIO);
}

TEST(Iso9660Crafted, ExtentsOutsideTheVolumeAreEio) {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048), record(9999, 10, 0, "FAR.;1"),
                   record(31, 4096, 0, "EDGE.;1"), record(9999, 2048, 2, "FARDIR"),
                   record(31, 0xFFFFFFFF, 2, "HUGEDIR"), record(30, 0xFFFFFFF0, 0, "HUGE.;1")});
  b.put(30, 0, "x");
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  NodeRef n;
  char buf[4096];
  ASSERT_EQ(lookup(m.root.get(), "far", &n), 0);
  EXPECT_EQ(n->read(0, buf, 10), -EIO);
  ASSERT_EQ(lookup(m.root.get(), "edge", &n), 0);  // block 31 is the last: half of it
  EXPECT_EQ(n->read(0, buf, 4096), 2048);
  EXPECT_EQ(n->read(2048, buf, 100), -EIO);
  ASSERT_EQ(lookup(m.root.get(), "fardir", &n), 0);
  std::vector<DirEnt> ents;
  EXPECT_EQ(list_dir(n.get(), &ents), -EIO);
  NodeRef inner;
  EXPECT_EQ(lookup(n.get(), "x", &inner), -EIO);
  ASSERT_EQ(lookup(m.root.get(), "hugedir", &n), 0);
  ents.clear();
  EXPECT_EQ(list_dir(n.get(), &ents), -EIO);
  ASSERT_EQ(lookup(m.root.get(), "huge", &n), 0);
  EXPECT_EQ(n->read(0, buf, 4096), 4096);
  EXPECT_EQ(n->read(uint64_t(3) << 30, buf, 4096), -EIO);
}

TEST(Iso9660Crafted, BadVolumesDoNotMount) {
  struct Case {
    const char* what;
    std::function<void(IsoBuilder&)> make;
    long want;
  } cases[] = {
      {"root outside the volume",
       [](IsoBuilder& b) { b.primary(16, record(9999, 2048, 2, std::string(1, '\0'))); }, -EIO},
      {"root of no size", [](IsoBuilder& b) { b.primary(16, record(18, 0, 2, std::string(1, '\0'))); },
       -EIO},
      {"block size 512",
       [](IsoBuilder& b) { b.descriptor(16, 1, record(18, 2048, 2, std::string(1, '\0')), 32, nullptr, 512); },
       -EINVAL},
      {"volume size 0",
       [](IsoBuilder& b) { b.descriptor(16, 1, record(18, 2048, 2, std::string(1, '\0')), 0); }, -EIO},
      {"only a boot record",
       [](IsoBuilder& b) { b.descriptor(16, 0, "", 32); }, -EINVAL},
      {"root record length 0",
       [](IsoBuilder& b) { b.descriptor(16, 1, std::string(34, '\0'), 32); }, -EINVAL},
      {"root record with a long length",
       [](IsoBuilder& b) {
         std::string r = record(18, 2048, 2, std::string(1, '\0'));
         r[0] = char(200);
         b.primary(16, r);
       },
       0},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    IsoBuilder b(32);
    b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048)});
    c.make(b);
    b.terminator(17);
    MemMounted m(b.img);
    EXPECT_EQ(m.error, c.want) << (m.why ? m.why : "");
    if (c.want) {
      EXPECT_NE(m.why, nullptr);
    }
  }
  // 64 descriptors and no terminator: the walk stops.
  IsoBuilder b(100);
  b.directory(90, {dot_record(90, 2048), dotdot_record(90, 2048)});
  for (uint32_t i = 16; i < 90; i++) b.descriptor(i, 0, "", 100);
  b.primary(16, record(90, 2048, 2, std::string(1, '\0')));
  MemMounted m(b.img);
  EXPECT_EQ(m.error, 0);
}

TEST(Iso9660Crafted, MultiExtentWithoutItsLastSectionIsEio) {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048), dotdot_record(18, 2048),
                   record(30, 2048, 0x80, "TAIL.;1")});  // the directory ends here
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  NodeRef n;
  EXPECT_EQ(lookup(m.root.get(), "tail", &n), -EIO);
  std::vector<DirEnt> ents;
  EXPECT_EQ(list_dir(m.root.get(), &ents), -EIO);
}

TEST(Iso9660Crafted, TooManySectionsIsEio) {
  IsoBuilder b(40);
  std::vector<std::string> many = {dot_record(18, 16384), dotdot_record(18, 2048)};
  for (int i = 0; i < 120; i++) many.push_back(record(30, 2048, 0x80, "MANY.;1"));
  many.push_back(record(30, 10, 0, "MANY.;1"));
  many.push_back(record(30, 10, 0, "AFTER.;1"));
  EXPECT_LE(b.directory(18, many), 16384u);
  b.primary(16, record(18, 16384, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  NodeRef n;
  EXPECT_EQ(lookup(m.root.get(), "many", &n), -EIO);
  EXPECT_EQ(lookup(m.root.get(), "after", &n), -EIO);
}

// Found by the fuzzer: the multi-extent flag on a symlink made its size the
// sections' sum, and readlink read past the target.
TEST(Iso9660Crafted, MultiExtentFlagOnlyMattersForRegularFiles) {
  IsoBuilder b(32);
  b.directory(18, {dot_record(18, 2048, sp()), dotdot_record(18, 2048),
                   record(30, 3000, 0x80, "L.;1", px(0120777) + nm("link") + sl(comp(0, "target"))),
                   record(30, 3000, 0, "L.;1", px(0120777) + nm("link")),
                   record(20, 2048, 0x82, "D", px(040755) + nm("dir")),
                   record(30, 9000, 0, "D", px(040755) + nm("dir"))});
  b.directory(20, {dot_record(20, 2048), dotdot_record(18, 2048)});
  b.primary(16, record(18, 2048, 2, std::string(1, '\0')));
  b.terminator(17);
  MemMounted m(b.img);
  ASSERT_EQ(m.error, 0);
  EXPECT_EQ(names_of(m.root.get()), (std::vector<std::string>{".", "..", "link", "dir"}));
  NodeRef l, d;
  ASSERT_EQ(lookup(m.root.get(), "link", &l), 0);
  Attr a;
  l->getattr(&a);
  EXPECT_EQ(a.size, 6u);
  char buf[4096];
  ASSERT_EQ(l->readlink(buf, sizeof buf), 6);
  EXPECT_EQ(std::string(buf, 6), "target");
  ASSERT_EQ(lookup(m.root.get(), "dir", &d), 0);
  d->getattr(&a);
  EXPECT_EQ(a.size, 2048u);
}

TEST(Iso9660Crafted, FailingDeviceNeverCrashes) {
  auto img = rock_ridge_image();
  for (uint64_t fail = 1; fail < 60; fail++) {
    MemBlockDevice dev(img);
    dev.fail_after = fail;
    FileSystem* fs = nullptr;
    if (iso9660_mount(&dev, &fs, nullptr) != 0) continue;
    Node* root = fs->root();
    WalkStats st;
    walk_node(root, 0, WalkLimits{}, &st);
    root->put();
    delete fs;
  }
}

TEST(Iso9660Crafted, DatesDecode) {
  using namespace kiln::fs::iso9660;
  uint8_t d[7] = {70, 1, 1, 0, 0, 0, 0};
  EXPECT_EQ(decode_short_date(d).sec, 0);
  uint8_t east[7] = {101, 2, 3, 4, 5, 6, 8};  // GMT+2: two hours earlier in UTC
  EXPECT_EQ(decode_short_date(east).sec, kShortDate - 7200);
  uint8_t bogus_tz[7] = {101, 2, 3, 4, 5, 6, 100};  // beyond 13 hours: ignored
  EXPECT_EQ(decode_short_date(bogus_tz).sec, kShortDate);
  uint8_t unset[7] = {0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(decode_short_date(unset).sec, 0);
  EXPECT_EQ(decode_long_date(reinterpret_cast<const uint8_t*>("2001020304050600\0")).sec, kShortDate);
  EXPECT_EQ(decode_long_date(reinterpret_cast<const uint8_t*>("0000000000000000\0")).sec, 0);
  EXPECT_EQ(decode_long_date(reinterpret_cast<const uint8_t*>("20x1020304050600\0")).sec, 0);
  EXPECT_EQ(civil_to_epoch(2024, 2, 29, 0, 0, 0), 1709164800);
  EXPECT_EQ(civil_to_epoch(1900, 1, 1, 0, 0, 0), -2208988800);
}

TEST(Iso9660Cache, LeastRecentlyUsedAndPinned) {
  using kiln::fs::iso9660::BlockCache;
  using kiln::fs::iso9660::BlockRef;
  std::vector<uint8_t> img(64 * 2048);
  for (size_t i = 0; i < img.size(); i++) img[i] = uint8_t(i / 2048);
  MemBlockDevice dev(img);
  BlockCache cache(&dev, 4);
  {
    // Six pinned blocks in a cache of four: two live outside it.
    BlockRef refs[6];
    for (uint32_t i = 0; i < 6; i++) {
      ASSERT_EQ(cache.get(i, &refs[i]), 0);
      EXPECT_EQ(refs[i].data()[100], i);
    }
    for (uint32_t i = 0; i < 6; i++) EXPECT_EQ(refs[i].data()[2047], i);
  }
  EXPECT_EQ(dev.reads, 6u);
  BlockRef r;
  ASSERT_EQ(cache.get(0, &r), 0);  // cached
  ASSERT_EQ(cache.get(5, &r), 0);  // was temporary: read again, evicting block 1
  EXPECT_EQ(dev.reads, 7u);
  ASSERT_EQ(cache.get(2, &r), 0);
  ASSERT_EQ(cache.get(0, &r), 0);
  EXPECT_EQ(dev.reads, 7u);
  ASSERT_EQ(cache.get(1, &r), 0);
  EXPECT_EQ(dev.reads, 8u);
  EXPECT_EQ(r.data()[0], 1);
  BlockRef moved = std::move(r);
  EXPECT_FALSE(r.held());
  EXPECT_EQ(moved.lba(), 1u);
  // A failed read leaves nothing behind.
  dev.fail_after = dev.reads;
  BlockRef bad;
  EXPECT_EQ(cache.get(40, &bad), -EIO);
  EXPECT_FALSE(bad.held());
  dev.fail_after = 0;
  ASSERT_EQ(cache.get(40, &bad), 0);
  EXPECT_EQ(bad.data()[0], 40);
  EXPECT_GT(cache.hits(), 0u);
}

// The fuzzer's seeds: the volume after its system area, trailing zeros cut.
// KILN_ISO9660_CORPUS=tests/fuzz/corpus/iso9660 writes them there.
TEST(Iso9660Crafted, FuzzSeeds) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds = {
      {"crafted_rock_ridge", rock_ridge_image()},
      {"crafted_relocation", relocation_image()},
      {"crafted_continuation_loop", continuation_image(ce(19, 0, 28), ce(19, 0, 28))},
      {"crafted_joliet", joliet_image(true)},
      {"crafted_joliet_only", joliet_image(false)},
      {"crafted_simple", simple_image()},
  };
  const char* dir = std::getenv("KILN_ISO9660_CORPUS");
  for (auto& [name, img] : seeds) {
    ASSERT_GT(img.size(), 32768u);
    size_t end = img.size();
    while (end > 32768 && img[end - 1] == 0) end--;
    if (!dir) continue;
    FILE* f = std::fopen((std::string(dir) + "/" + name + ".bin").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(img.data() + 32768, 1, end - 32768, f);
    std::fclose(f);
  }
}

}  // namespace
}  // namespace kiln::fs::iso9660_test
