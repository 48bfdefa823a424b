// Mount, superblock and group descriptors, sync and unmount, statfs, and
// the table of inodes in memory.
#include "fs/ext2/ext2_fs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/statfs.h"

namespace kiln::fs::ext2 {
namespace {

Time zero_clock() { return Time{}; }

// Linux's ext2_max_size(): the largest file the block map can address
// whose data and map blocks still fit i_blocks (2^32 - 1 sectors).
uint64_t max_size_for(uint32_t bits) {
  uint64_t ppb = 1ull << (bits - 2);
  uint64_t res = kDirectBlocks;
  uint64_t upper = (1ull << 32) - 1;
  upper >>= (bits - 9);
  res += ppb + ppb * ppb + ppb * ppb * ppb;
  uint64_t meta = 1 + (1 + ppb) + (1 + ppb + ppb * ppb);
  if (res + meta > upper) {
    res = upper;
    upper -= kDirectBlocks;
    meta = 1;
    upper -= ppb;
    if (upper < ppb * ppb) {
      meta += 1 + (upper + ppb - 1) / ppb;
    } else {
      meta += 1 + ppb;
      upper -= ppb * ppb;
      meta += 1 + (upper + ppb - 1) / ppb + (upper + ppb * ppb - 1) / (ppb * ppb);
    }
    res -= meta;
  }
  return res << bits;
}

bool is_power_of(uint32_t n, uint32_t base) {
  if (n == 0) return false;
  while (n % base == 0) n /= base;
  return n == 1;
}

struct FeatureName {
  uint32_t bit;
  const char* why;
};

const FeatureName kIncompatNames[] = {
    {kIncompatRecover, "the journal needs recovery (replay it with Linux or e2fsck first)"},
    {kIncompatExtents, "unsupported feature: extents (ext4)"},
    {kIncompat64bit, "unsupported feature: 64bit (ext4)"},
    {kIncompatMetaBg, "unsupported feature: meta_bg"},
    {kIncompatInlineData, "unsupported feature: inline_data"},
    {kIncompatCompression, "unsupported feature: compression"},
    {kIncompatJournalDev, "this is an external journal device, not a file system"},
    {kIncompatMmp, "unsupported feature: mmp"},
    {kIncompatEaInode, "unsupported feature: ea_inode"},
    {kIncompatDirdata, "unsupported feature: dirdata"},
    {kIncompatCsumSeed, "unsupported feature: metadata_csum_seed"},
    {kIncompatLargedir, "unsupported feature: large_dir"},
    {kIncompatEncrypt, "unsupported feature: encrypt"},
    {kIncompatCasefold, "unsupported feature: casefold"},
};

const FeatureName kRoCompatNames[] = {
    {kRoCompatMetadataCsum, "metadata_csum is not supported for writing: mounted read-only"},
    {kRoCompatGdtCsum, "uninit_bg (gdt_csum) is not supported for writing: mounted read-only"},
    {kRoCompatHugeFile, "huge_file is not supported for writing: mounted read-only"},
    {kRoCompatQuota, "quota is not supported for writing: mounted read-only"},
    {kRoCompatBigalloc, "bigalloc is not supported for writing: mounted read-only"},
    {kRoCompatProject, "project quota is not supported for writing: mounted read-only"},
    {kRoCompatReadonly, "the volume is marked read-only: mounted read-only"},
};

}  // namespace

uint8_t file_type_of(uint32_t mode) {
  switch (mode & kS_IFMT) {
    case kS_IFREG: return kFtRegular;
    case kS_IFDIR: return kFtDir;
    case kS_IFCHR: return kFtChr;
    case kS_IFBLK: return kFtBlk;
    case kS_IFIFO: return kFtFifo;
    case kS_IFSOCK: return kFtSock;
    case kS_IFLNK: return kFtSymlink;
    default: return kFtUnknown;
  }
}

Ext2Fs::Ext2Fs(BlockDevice* dev, const Ext2Options& options) : dev_(dev), opt_(options) {
  if (!opt_.now) opt_.now = zero_clock;
}

Ext2Fs::~Ext2Fs() {
  if (mounted_) (void)unmount();  // a destructor has no caller to tell; unmount() prints nothing either
  if (root_) {
    Ext2Node* r = root_;
    root_ = nullptr;
    r->put();
  }
  for (uint32_t i = 0; i < kBuckets; i++) {
    while (Ext2Node* n = table_[i]) {
      table_[i] = n->hash_next;
      // A node still held (a caller broke the contract) is detached rather
      // than freed: its put() then frees it; nothing else may be called.
      if (n->idle) delete n;
      else n->detach();
    }
  }
  delete cache_;
  free_bytes(gd_);
}

Time Ext2Fs::now() const { return opt_.now(); }

void Ext2Fs::lock() {
  if (opt_.lock) opt_.lock(opt_.lock_ctx);
  lock_depth_++;
  reap();
}

void Ext2Fs::unlock() {
  reap();
  lock_depth_--;
  if (opt_.unlock) opt_.unlock(opt_.lock_ctx);
}

long Ext2Fs::corrupt() {
  errors_ = true;
  return -kEUCLEAN;
}

bool Ext2Fs::has_super(uint32_t g) const {
  if (g == 0) return true;
  if (sb_.rev_level >= kRevDynamic && (sb_.feature_compat & kCompatSparseSuper2)) {
    uint32_t bgs[2];
    memcpy(bgs, reinterpret_cast<const uint8_t*>(&sb_) + kBackupBgsOffset, sizeof bgs);
    return g == bgs[0] || g == bgs[1];
  }
  if (!(sb_.feature_ro_compat & kRoCompatSparseSuper) || sb_.rev_level < kRevDynamic) return true;
  return g == 1 || is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

uint32_t Ext2Fs::blocks_in_group(uint32_t g) const {
  if (g + 1 < groups_) return bpg_;
  return blocks_count_ - first_data_block_ - g * bpg_;
}

// Whether `block` is one of group g's own structures: its superblock copy
// and descriptor blocks, bitmaps or inode table.
bool Ext2Fs::group_metadata(uint32_t g, uint32_t block) const {
  uint32_t start = group_first_block(g);
  if (has_super(g)) {
    uint32_t reserved = (sb_.feature_compat & kCompatResizeInode) ? sb_.reserved_gdt_blocks : 0;
    if (block >= start && block - start < 1 + gdt_blocks_ + reserved) return true;
  }
  const GroupDesc& d = gd_[g];
  if (block == d.block_bitmap || block == d.inode_bitmap) return true;
  return block >= d.inode_table && block - d.inode_table < itable_blocks_;
}

long Ext2Fs::check_super(const char** why) {
  const Super& s = sb_;
  if (s.magic != kEXT2_SUPER_MAGIC) return *why = "not an ext2 file system (bad magic)", -kEINVAL;
  if (s.rev_level > kRevDynamic) return *why = "unsupported revision (newer than 1)", -kEINVAL;
  if (s.log_block_size > 2) return *why = "unsupported block size (larger than 4 KiB)", -kEINVAL;
  bs_ = 1024u << s.log_block_size;
  ppb_ = bs_ / 4;
  if (s.rev_level >= kRevDynamic) {
    uint32_t bad = s.feature_incompat & ~kIncompatSupported;
    if (bad) {
      for (const FeatureName& f : kIncompatNames)
        if (bad & f.bit) return *why = f.why, -kEINVAL;
      return *why = "unknown incompatible feature", -kEINVAL;
    }
    inode_size_ = s.inode_size;
    first_ino_ = s.first_ino;
    if (inode_size_ < kGoodOldInodeSize || inode_size_ > bs_ || (inode_size_ & (inode_size_ - 1)))
      return *why = "corrupt superblock: bad inode size", -kEUCLEAN;
    if (first_ino_ < kGoodOldFirstIno) return *why = "corrupt superblock: bad first inode", -kEUCLEAN;
  } else {
    inode_size_ = kGoodOldInodeSize;
    first_ino_ = kGoodOldFirstIno;
  }
  blocks_count_ = s.blocks_count;
  first_data_block_ = s.first_data_block;
  bpg_ = s.blocks_per_group;
  ipg_ = s.inodes_per_group;
  inodes_count_ = s.inodes_count;
  if (first_data_block_ != (bs_ == 1024 ? 1u : 0u))
    return *why = "corrupt superblock: bad first data block", -kEUCLEAN;
  if (bpg_ < 8 || bpg_ > 8 * bs_ || bpg_ % 8)
    return *why = "corrupt superblock: bad blocks per group", -kEUCLEAN;
  if (ipg_ < 1 || ipg_ > 8 * bs_) return *why = "corrupt superblock: bad inodes per group", -kEUCLEAN;
  if (blocks_count_ <= first_data_block_ + 1)
    return *why = "corrupt superblock: bad block count", -kEUCLEAN;
  if (uint64_t(blocks_count_) * (bs_ / 512) > dev_->sectors())
    return *why = "the file system is larger than the device", -kEINVAL;
  groups_ = (blocks_count_ - first_data_block_ + bpg_ - 1) / bpg_;
  if (uint64_t(groups_) * ipg_ != inodes_count_)
    return *why = "corrupt superblock: inode count does not match the groups", -kEUCLEAN;
  if (first_ino_ >= inodes_count_) return *why = "corrupt superblock: bad first inode", -kEUCLEAN;
  itable_blocks_ = uint32_t((uint64_t(ipg_) * inode_size_ + bs_ - 1) / bs_);
  gdt_blocks_ = uint32_t((uint64_t(groups_) * sizeof(GroupDesc) + bs_ - 1) / bs_);
  if (first_data_block_ + 1 + gdt_blocks_ > blocks_count_)
    return *why = "corrupt superblock: group descriptors past the end", -kEUCLEAN;
  if (s.r_blocks_count > blocks_count_) return *why = "corrupt superblock: bad reserved count", -kEUCLEAN;
  max_file_size_ = max_size_for(10 + s.log_block_size);
  return 0;
}

long Ext2Fs::load_groups(const char** why) {
  gd_ = static_cast<GroupDesc*>(fallible_alloc(size_t(groups_) * sizeof(GroupDesc)));
  if (!gd_) return *why = "out of memory", -kENOMEM;
  uint32_t per_block = bs_ / sizeof(GroupDesc);
  for (uint32_t i = 0; i < gdt_blocks_; i++) {
    BlockRef ref;
    if (long r = cache_->get(first_data_block_ + 1 + i, &ref))
      return *why = "cannot read the group descriptors", r;
    uint32_t n = groups_ - i * per_block;
    if (n > per_block) n = per_block;
    memcpy(gd_ + size_t(i) * per_block, ref.data(), n * sizeof(GroupDesc));
  }
  bool flex = (sb_.feature_incompat & kIncompatFlexBg) != 0;
  free_blocks_ = free_inodes_ = 0;
  for (uint32_t g = 0; g < groups_; g++) {
    const GroupDesc& d = gd_[g];
    uint32_t lo = flex ? first_data_block_ : group_first_block(g);
    uint32_t hi = flex ? blocks_count_ : group_first_block(g) + blocks_in_group(g);
    auto inside = [&](uint32_t b, uint32_t n) { return b >= lo && b < hi && n <= hi - b; };
    if (!inside(d.block_bitmap, 1) || !inside(d.inode_bitmap, 1) ||
        !inside(d.inode_table, itable_blocks_))
      return *why = "corrupt group descriptor: bitmaps or inode table out of place", -kEUCLEAN;
    if (d.free_blocks_count > blocks_in_group(g) || d.free_inodes_count > ipg_ ||
        d.used_dirs_count > ipg_)
      return *why = "corrupt group descriptor: bad counts", -kEUCLEAN;
    free_blocks_ += d.free_blocks_count;
    free_inodes_ += d.free_inodes_count;
  }
  // Linux's ext2_statfs overhead: everything before the first data block,
  // superblock copies and descriptor blocks, bitmaps and inode tables.
  overhead_ = first_data_block_;
  for (uint32_t g = 0; g < groups_; g++)
    overhead_ += (has_super(g) ? 1 + gdt_blocks_ : 0) + 2 + itable_blocks_;
  return 0;
}

long Ext2Fs::mount(const char** why) {
  if (dev_->sectors() < 4) return *why = "the device is too small", -kEINVAL;
  uint8_t raw[kSuperSize];
  if (dev_->read(kSuperOffset / 512, kSuperSize / 512, raw) < 0)
    return *why = "cannot read the superblock", -kEIO;
  memcpy(&sb_, raw, sizeof sb_);
  if (long r = check_super(why)) return r;

  ro_ = opt_.read_only;
  const char* note = nullptr;
  if (dev_->read_only() && !ro_) {
    ro_ = true;
    note = "the device is read-only: mounted read-only";
  }
  if (sb_.rev_level >= kRevDynamic) {
    uint32_t ro_bad = sb_.feature_ro_compat & ~kRoCompatWritable;
    if (ro_bad && !ro_) {
      ro_ = true;
      note = "unsupported read-only compatible features: mounted read-only";
      for (const FeatureName& f : kRoCompatNames)
        if (ro_bad & f.bit) {
          note = f.why;
          break;
        }
    }
    if ((sb_.feature_compat & kCompatHasJournal) && !ro_) {
      ro_ = true;
      note = "ext3 journal present: mounted read-only (writes would bypass the journal)";
    }
  }
  mount_state_ = sb_.state;
  if (!note && !(sb_.state & kStateValid)) note = "the volume was not cleanly unmounted (run e2fsck)";
  if (!note && (sb_.state & kStateError)) note = "the volume has errors recorded (run e2fsck)";

  cache_ = new BlockCache(dev_, bs_, opt_.cache_bytes);
  if (!cache_ || cache_->init() < 0) return *why = "out of memory", -kENOMEM;
  if (long r = load_groups(why)) return r;

  Ext2Node* root;
  if (long r = iget(kRootIno, &root)) {
    *why = r == -kENOMEM ? "out of memory" : "cannot read the root directory";
    return r;
  }
  root_ = root;
  if (!root->is_dir() || root->in.links_count == 0) {
    *why = "corrupt root directory";
    return -kEUCLEAN;
  }

  if (!ro_) {
    Time t = now();
    sb_.state = uint16_t(mount_state_ & ~kStateValid);
    sb_.mtime = uint32_t(t.sec);
    sb_.mnt_count++;
    long r = write_super();
    if (r == 0) r = cache_->sync();
    if (r < 0) return *why = "cannot write the superblock", r;
  }
  mounted_ = true;
  *why = note;
  return 0;
}

long Ext2Fs::write_groups() {
  uint32_t per_block = bs_ / sizeof(GroupDesc);
  for (uint32_t i = 0; i < gdt_blocks_; i++) {
    BlockRef ref;
    if (long r = cache_->get(first_data_block_ + 1 + i, &ref)) return r;
    uint32_t n = groups_ - i * per_block;
    if (n > per_block) n = per_block;
    if (memcmp(ref.data(), gd_ + size_t(i) * per_block, n * sizeof(GroupDesc)) == 0) continue;
    memcpy(ref.data(), gd_ + size_t(i) * per_block, n * sizeof(GroupDesc));
    ref.mark_dirty();
  }
  return 0;
}

long Ext2Fs::write_super() {
  sb_.free_blocks_count = uint32_t(free_blocks_);
  sb_.free_inodes_count = uint32_t(free_inodes_);
  sb_.wtime = uint32_t(now().sec);
  if (errors_) sb_.state |= kStateError;
  uint32_t block = kSuperOffset / bs_;
  uint32_t offset = kSuperOffset % bs_;
  BlockRef ref;
  if (long r = cache_->get(block, &ref)) return r;
  memcpy(ref.data() + offset, &sb_, sizeof sb_);
  ref.mark_dirty();
  return 0;
}

Node* Ext2Fs::root() {
  root_->get();
  return root_;
}

long Ext2Fs::statfs(StatFs* out) {
  OpLock l(this);
  out->type = kEXT2_SUPER_MAGIC;
  out->block_size = bs_;
  out->blocks = blocks_count_ > overhead_ ? blocks_count_ - overhead_ : 0;
  out->blocks_free = free_blocks_;
  out->blocks_avail = free_blocks_ > sb_.r_blocks_count ? free_blocks_ - sb_.r_blocks_count : 0;
  out->files = inodes_count_;
  out->files_free = free_inodes_;
  out->name_max = kNameMax;
  out->read_only = ro_;
  return 0;
}

long Ext2Fs::sync() {
  OpLock l(this);
  if (ro_) return 0;
  long r = write_groups();
  if (r == 0) r = write_super();
  long s = cache_->sync();
  return r < 0 ? r : s;
}

long Ext2Fs::unmount() {
  if (!mounted_) return 0;
  OpLock l(this);
  mounted_ = false;
  if (ro_) return 0;
  trim(0);
  // An unlinked inode still open keeps its blocks: the volume is then not clean.
  bool open_orphans = false;
  for (uint32_t i = 0; i < kBuckets; i++)
    for (Ext2Node* n = table_[i]; n; n = n->hash_next)
      if (n->in.links_count == 0) open_orphans = true;
  long r = write_groups();
  if (!errors_ && !open_orphans) sb_.state = mount_state_;
  if (r == 0) r = write_super();
  long s = cache_->sync();
  return r < 0 ? r : s;
}

// --- The node table.

void Ext2Fs::table_insert(Ext2Node* n) {
  Ext2Node** head = &table_[n->number % kBuckets];
  n->hash_next = *head;
  *head = n;
}

void Ext2Fs::table_remove(Ext2Node* n) {
  for (Ext2Node** p = &table_[n->number % kBuckets]; *p; p = &(*p)->hash_next) {
    if (*p == n) {
      *p = n->hash_next;
      return;
    }
  }
}

Ext2Node* Ext2Fs::table_find(uint32_t ino) const {
  for (Ext2Node* n = table_[ino % kBuckets]; n; n = n->hash_next)
    if (n->number == ino) return n;
  return nullptr;
}

void Ext2Fs::node_released(Ext2Node* n) {
  n->idle = true;
  n->orphan = n->in.links_count == 0 && !ro_ && n->number >= first_ino_;
  (n->orphan ? orphans_ : idle_).push_back(n);
}

// Frees orphans (unlinked inodes nobody holds any more).
void Ext2Fs::reap() {
  while (Ext2Node* n = orphans_.pop_front()) {
    table_remove(n);
    if (evict(n) < 0) errors_ = true;
    delete n;
  }
  if (idle_.size() > opt_.inode_cache) trim(opt_.inode_cache);
}

void Ext2Fs::trim(size_t keep) {
  while (idle_.size() > keep) {
    Ext2Node* n = idle_.pop_front();
    table_remove(n);
    delete n;
  }
}

// Releases an unlinked inode: its blocks, its extended attribute block,
// then its bitmap bit.
long Ext2Fs::evict(Ext2Node* n) {
  bool dir = n->is_dir();
  long r = 0;
  if (n->has_blocks()) r = truncate_blocks(n, 0);
  n->set_size(0);
  long x = release_xattr(n);
  Time t = now();
  n->in.dtime = t.sec > 0 ? uint32_t(t.sec) : 1;
  long s = store_inode(n);
  long f = free_inode(n->number, dir);
  if (r < 0) return r;
  if (x < 0) return x;
  return s < 0 ? s : f;
}

long Ext2Fs::load_inode(uint32_t ino, Inode* out) {
  if (!inode_ok(ino)) return corrupt();
  uint32_t g = (ino - 1) / ipg_, index = (ino - 1) % ipg_;
  uint64_t byte = uint64_t(index) * inode_size_;
  BlockRef ref;
  if (long r = cache_->get(gd_[g].inode_table + uint32_t(byte / bs_), &ref)) return r;
  memset(out, 0, sizeof *out);
  uint32_t n = inode_size_ < sizeof *out ? inode_size_ : uint32_t(sizeof *out);
  memcpy(out, ref.data() + byte % bs_, n);
  if (inode_size_ > kGoodOldInodeSize) {
    // Only what extra_isize covers is real; keep the rest zero.
    uint32_t extra = out->extra_isize;
    if (extra > inode_size_ - kGoodOldInodeSize || (extra & 3)) extra = 0;
    if (extra < sizeof *out - kGoodOldInodeSize)
      memset(reinterpret_cast<uint8_t*>(out) + kGoodOldInodeSize + extra, 0,
             sizeof *out - kGoodOldInodeSize - extra);
    out->extra_isize = uint16_t(extra);
  }
  return 0;
}

long Ext2Fs::store_inode(Ext2Node* n) {
  if (ro_) return -kEROFS;
  uint32_t ino = n->number;
  uint32_t g = (ino - 1) / ipg_, index = (ino - 1) % ipg_;
  uint64_t byte = uint64_t(index) * inode_size_;
  BlockRef ref;
  if (long r = cache_->get(gd_[g].inode_table + uint32_t(byte / bs_), &ref)) return r;
  uint32_t len = kGoodOldInodeSize;
  if (inode_size_ > kGoodOldInodeSize) {
    uint32_t extra = n->in.extra_isize;
    if (extra > sizeof(Inode) - kGoodOldInodeSize) extra = sizeof(Inode) - kGoodOldInodeSize;
    len += extra;
  }
  memcpy(ref.data() + byte % bs_, &n->in, len);
  ref.mark_dirty();
  return 0;
}

long Ext2Fs::iget(uint32_t ino, Ext2Node** out) {
  if (Ext2Node* n = table_find(ino)) {
    if (n->idle) {
      (n->orphan ? orphans_ : idle_).remove(n);
      n->idle = n->orphan = false;
    }
    n->get();
    *out = n;
    return 0;
  }
  auto n = new Ext2Node(this, ino);
  if (!n) return -kENOMEM;
  long r = load_inode(ino, &n->in);
  if (r == 0) {
    uint32_t type = n->in.mode & kS_IFMT;
    bool type_ok = type == kS_IFREG || type == kS_IFDIR || type == kS_IFLNK ||
                   type == kS_IFCHR || type == kS_IFBLK || type == kS_IFIFO ||
                   type == kS_IFSOCK;
    if (n->in.links_count == 0 || !type_ok) r = corrupt();
  }
  if (r < 0) {
    delete n;
    return r;
  }
  table_insert(n);
  *out = n;
  return 0;
}

// A new inode near `dir`, initialized on disk: links 0 (the caller links
// it), owner root (the group of a set-group-ID directory), times now.
long Ext2Fs::new_node(Ext2Node* dir, uint32_t mode, Ext2Node** out) {
  bool is_dir = (mode & kS_IFMT) == kS_IFDIR;
  uint32_t ino;
  if (long r = alloc_inode(dir->number, is_dir, &ino)) return r;
  if (table_find(ino)) return corrupt();  // the bitmap calls an inode in use free
  auto n = new Ext2Node(this, ino);
  if (!n) {
    note_error(free_inode(ino, is_dir));
    return -kENOMEM;
  }
  // Clear the whole on-disk inode: a reused one may carry old attributes.
  uint32_t g = (ino - 1) / ipg_, index = (ino - 1) % ipg_;
  uint64_t byte = uint64_t(index) * inode_size_;
  {
    BlockRef ref;
    long r = cache_->get(gd_[g].inode_table + uint32_t(byte / bs_), &ref);
    if (r < 0) {
      delete n;
      note_error(free_inode(ino, is_dir));
      return r;
    }
    memset(ref.data() + byte % bs_, 0, inode_size_);
    ref.mark_dirty();
  }
  Inode& i = n->in;
  i.mode = uint16_t(mode);
  if (dir->in.mode & kS_ISGID) {  // its group, and directories inherit the bit
    i.gid = dir->in.gid;
    i.gid_high = dir->in.gid_high;
    if (is_dir) i.mode |= kS_ISGID;
  }
  if (inode_size_ > kGoodOldInodeSize) {
    uint32_t room = inode_size_ - kGoodOldInodeSize;
    i.extra_isize = uint16_t(room < kWantExtraIsize ? room : kWantExtraIsize);
  }
  i.generation = next_generation();
  n->touch(true);
  Time t = now();
  if (i.extra_isize >= 24) {
    i.crtime = uint32_t(t.sec);
    i.crtime_extra = i.mtime_extra;
  }
  i.atime = i.mtime;
  i.atime_extra = i.mtime_extra;
  n->goal = 0;
  table_insert(n);
  *out = n;
  return 0;
}

long Ext2Fs::ensure_large_file() {
  if (sb_.feature_ro_compat & kRoCompatLargeFile) return 0;
  if (sb_.rev_level < kRevDynamic) return -kEFBIG;
  sb_.feature_ro_compat |= kRoCompatLargeFile;
  return write_super();
}

}  // namespace kiln::fs::ext2

namespace kiln::fs {

bool ext2_probe(BlockDevice* dev) {
  if (dev->sectors() < 4) return false;
  uint8_t raw[ext2::kSuperSize];
  if (dev->read(ext2::kSuperOffset / 512, ext2::kSuperSize / 512, raw) < 0) return false;
  return raw[56] == 0x53 && raw[57] == 0xEF;
}

long ext2_mount(BlockDevice* dev, const Ext2Options& options, FileSystem** out,
                const char** why) {
  const char* reason = nullptr;
  auto fs = new ext2::Ext2Fs(dev, options);
  if (!fs) {
    if (why) *why = "out of memory";
    return -kENOMEM;
  }
  long r = fs->mount(&reason);
  if (why) *why = reason;
  if (r < 0) {
    delete fs;
    return r;
  }
  *out = fs;
  return 0;
}

long ext2_mount(BlockDevice* dev, bool read_only, FileSystem** out, const char** why) {
  Ext2Options o;
  o.read_only = read_only;
  return ext2_mount(dev, o, out, why);
}

long ext2_unmount(FileSystem* fs) {
  auto e = static_cast<ext2::Ext2Fs*>(fs);
  long r = e->unmount();
  delete e;
  return r;
}

}  // namespace kiln::fs
