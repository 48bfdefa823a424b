#include "fs/iso9660/iso_fs.h"

#include "fs/iso9660/iso9660.h"
#include "fs/iso9660/names.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/statfs.h"

namespace kiln::fs::iso9660 {
namespace {

constexpr uint8_t kStandardId[5] = {'C', 'D', '0', '0', '1'};

bool joliet_escape(const uint8_t* vd) {
  const uint8_t* e = vd + kVdEscapes;
  return e[0] == '%' && e[1] == '/' && (e[2] == '@' || e[2] == 'C' || e[2] == 'E');
}

bool valid_type(uint32_t mode) {
  switch (mode & kS_IFMT) {
    case kS_IFREG:
    case kS_IFDIR:
    case kS_IFLNK:
    case kS_IFCHR:
    case kS_IFBLK:
    case kS_IFIFO:
    case kS_IFSOCK: return true;
    default: return false;
  }
}

uint64_t blocks_of(uint64_t bytes) { return (bytes + kBlockSize - 1) / kBlockSize; }

}  // namespace

// --- DirCursor ---------------------------------------------------------------

long DirCursor::next(Record* rec) {
  while (pos_ < size_) {
    uint64_t lba = start_ + pos_ / kBlockSize;
    size_t off = size_t(pos_ % kBlockSize);
    if (!block_.held() || block_.lba() != lba) {
      if (lba >= fs_->volume_blocks_) return -kEIO;
      if (long r = fs_->cache_.get(uint32_t(lba), &block_)) return r;
    }
    const uint8_t* p = block_.data() + off;
    if (*p == 0) {  // padding up to the next block
      pos_ = (pos_ / kBlockSize + 1) * kBlockSize;
      continue;
    }
    size_t avail = kBlockSize - off;
    if (avail > size_ - pos_) avail = size_t(size_ - pos_);
    if (!parse_record(p, avail, lba * kBlockSize + off, rec)) return -kEIO;
    pos_ += rec->len;
    return 1;
  }
  return 0;
}

long DirCursor::skip_sections() {
  Record rec;
  for (uint32_t n = 1;; n++) {
    long r = next(&rec);
    if (r <= 0) return r == 0 ? -kEIO : r;  // the file's last section is missing
    if (!(rec.flags() & kFlagMultiExtent)) return 0;
    if (n == kMaxSections) return -kEIO;
  }
}

// --- IsoFs -------------------------------------------------------------------

IsoFs::~IsoFs() {
  if (root_) root_->put();
}

Node* IsoFs::root() {
  root_->get();
  return root_;
}

long IsoFs::statfs(StatFs* out) {
  *out = StatFs{kISOFS_SUPER_MAGIC, kBlockSize, recorded_blocks_, 0, 0, 0, 0, kNAME_MAX, true};
  return 0;
}

long IsoFs::read_su(const Record& rec, RockRidge* rr, char* link) {
  size_t at = rec.su_offset() + susp_.skip;
  if (at >= rec.len) {
    *rr = RockRidge{};
    return 0;
  }
  return parse_rock_ridge(susp_, rec.p + at, rec.len - at, rr, link);
}

long IsoFs::decode(const Record& rec, Entry* e) {
  e->hidden = rec.is_dot() || rec.is_dotdot() || (rec.flags() & kFlagAssociated);
  e->name = e->buf;
  e->name_len = 0;
  if (naming_ == Naming::RockRidge) {
    if (long r = read_su(rec, &e->rr)) return r;
    if (e->rr.re) e->hidden = true;  // shown where its CL entry is
    if (e->rr.name_len) {
      e->name = e->rr.name;
      e->name_len = e->rr.name_len;
    }
  }
  if (e->name == e->buf) {
    e->name_len = naming_ == Naming::Joliet ? joliet_name(rec.name(), rec.name_len(), e->buf, kNAME_MAX)
                                            : plain_name(rec.name(), rec.name_len(), e->buf);
  }
  if (!e->hidden && !valid_entry_name(e->name, e->name_len)) e->hidden = true;
  return 0;
}

uint64_t IsoFs::location_ino(uint64_t pos) const {
  // Records are at least 34 bytes apart, so pos / 32 is unique (Linux's
  // isofs_get_ino). On volumes with PX serial numbers, a record without one
  // gets a number far above them.
  return (pos >> 5) | (px_ino_ ? uint64_t(1) << 62 : 0);
}

uint64_t IsoFs::entry_ino(const Record& rec, const Entry& e) {
  bool rr = naming_ == Naming::RockRidge;
  if (rr && px_ino_ && e.rr.px && e.rr.ino) return e.rr.ino;
  // A directory is known by its "." record: the same number wherever it is
  // reached from (its parent, a CL entry, itself).
  if (rr && e.rr.cl) return location_ino(uint64_t(e.rr.cl_block) * kBlockSize);
  bool dir = (rr && e.rr.px) ? (e.rr.mode & kS_IFMT) == kS_IFDIR : rec.is_dir();
  if (dir) return location_ino(uint64_t(rec.data_start()) * kBlockSize);
  return location_ino(rec.pos);
}

uint8_t IsoFs::entry_type(const Record& rec, const Entry& e) {
  if (naming_ == Naming::RockRidge) {
    if (e.rr.cl) return kDT_DIR;
    if (e.rr.px) return valid_type(e.rr.mode) ? dtype_of(e.rr.mode) : kDT_UNKNOWN;
  }
  return rec.is_dir() ? kDT_DIR : kDT_REG;
}

long IsoFs::make_node(IsoNode* parent, DirCursor* cur, IsoNode** out) {
  Record rec;
  long r = cur->next(&rec);
  if (r <= 0) return r == 0 ? -kEIO : r;
  auto e = new Entry;
  if (!e) return -kENOMEM;
  r = decode(rec, e);
  uint64_t ino = r == 0 ? entry_ino(rec, *e) : 0;
  if (r == 0 && parent && entry_type(rec, *e) == kDT_DIR) {
    // A directory in use already: the same node (a cycle of extents aside).
    for (IsoNode* d = live_dirs_.front(); d; d = live_dirs_.next_of(d)) {
      if (d->ino == ino && d->parent_ == parent) {
        delete e;
        d->get();
        *out = d;
        return 0;
      }
    }
  }
  auto node = r == 0 ? new IsoNode(this, parent) : nullptr;
  if (!node) {
    delete e;
    return r ? r : -kENOMEM;
  }
  // From here on the node owns nothing that cannot be put.
  Attr& a = node->attr_;
  if (r == 0) {
    a.ino = node->ino = ino;
    a.mode = kS_IFREG | 0555;  // Linux's defaults without Rock Ridge
    if (rec.is_dir()) a.mode = kS_IFDIR | 0555;
    a.nlink = 1;  // also for directories, as Linux says (find then does not guess)
    a.blksize = kBlockSize;
    a.atime = a.mtime = a.ctime = decode_short_date(rec.p + kDrDate);
    node->first_ = Section{rec.data_start(), rec.size()};
    a.size = rec.size();
    if (rec.p[kDrInterleave] || rec.p[kDrUnitSize]) r = -kEIO;  // interleaved files: unsupported
  }
  const RockRidge* rr = naming_ == Naming::RockRidge ? &e->rr : nullptr;
  RockRidge* moved = nullptr;
  if (r == 0 && rr && rr->cl) {
    // A relocated directory: its own "." record describes it.
    moved = new RockRidge;
    if (!moved) r = -kENOMEM;
    Record dot;
    DirCursor at(this, rr->cl_block, kBlockSize, 0);
    if (r == 0) r = at.next(&dot);
    if (r == 0) r = -kEIO;
    if (r == 1) {
      r = 0;
      if (!dot.is_dot() || !dot.is_dir() || dot.data_start() != rr->cl_block) r = -kEIO;
      if (r == 0) r = read_su(dot, moved);
      if (r == 0) {
        a.mode = kS_IFDIR | 0555;
        a.atime = a.mtime = a.ctime = decode_short_date(dot.p + kDrDate);
        node->first_ = Section{dot.data_start(), dot.size()};
        a.size = dot.size();
        rr = moved;
        if (rr->px && (rr->mode & kS_IFMT) != kS_IFDIR) r = -kEIO;
      }
    }
  }
  if (r == 0 && rr) {
    if (rr->px) {
      if (!valid_type(rr->mode)) r = -kEIO;
      a.mode = rr->mode & (kS_IFMT | 07777);
      a.nlink = rr->nlink ? rr->nlink : 1;
      a.uid = rr->uid;
      a.gid = rr->gid;
    }
    if (rr->pn) a.rdev = rr->dev_high ? uint64_t(rr->dev_high) << 8 | rr->dev_low : rr->dev_low;
    if (rr->times & kTfModify) a.mtime = rr->mtime;
    if (rr->times & kTfAccess) a.atime = rr->atime;
    if (rr->times & kTfAttributes) a.ctime = rr->ctime;
  }
  // Sections make sense for regular files only; other types keep the first.
  bool multi = r == 0 && (rec.flags() & kFlagMultiExtent) && (a.mode & kS_IFMT) == kS_IFREG &&
               !(rr && rr->cl);
  if (r == 0 && (a.mode & kS_IFMT) == kS_IFLNK) {
    // The target, from the entry's SL (parsed again, now with a buffer).
    size_t len = e->rr.link_len;
    if (len > kLinkMax) r = -kEIO;
    if (r == 0) node->link_ = alloc_array<char>(len + 1);
    if (r == 0 && !node->link_) r = -kENOMEM;
    if (r == 0) r = read_su(rec, &e->rr, node->link_);
    if (r == 0 && e->rr.link_len != len) r = -kEIO;
    if (r == 0) node->link_len_ = len;
    a.size = len;
  }
  a.blocks = (uint64_t(node->first_.size) + 511) / 512;  // what the records hold, as Linux counts
  if (multi) {
    // The sections of a file over 4 GiB, in the records that follow.
    node->more_ = alloc_array<Section>(kMaxSections - 1);
    if (!node->more_) r = -kENOMEM;
    uint64_t total = rec.size();
    while (r == 0) {
      Record part;
      long n = cur->next(&part);
      if (n <= 0) {
        r = n == 0 ? -kEIO : n;
        break;
      }
      if (node->more_count_ == kMaxSections - 1) {
        r = -kEIO;
        break;
      }
      node->more_[node->more_count_++] = Section{part.data_start(), part.size()};
      total += part.size();
      if (!(part.flags() & kFlagMultiExtent)) break;
    }
    a.size = total;
    a.blocks = (total + 511) / 512;
  }
  delete moved;
  delete e;
  if (r) {
    node->put();
    return r;
  }
  if (parent && node->is_dir()) live_dirs_.push_back(node);
  *out = node;
  return 0;
}

long IsoFs::make_root(uint32_t start, uint32_t size, const char** why) {
  if (size < kDrMinLength || start >= volume_blocks_ || blocks_of(size) > volume_blocks_ - start) {
    *why = "root directory outside the volume";
    return -kEIO;
  }
  DirCursor cur(this, start, size, 0);
  IsoNode* root;
  long r = make_node(nullptr, &cur, &root);
  if (r) {
    *why = r == -kENOMEM ? "out of memory" : "unreadable root directory";
    return r;
  }
  // The "." record gave the attributes; the volume descriptor the place.
  root->attr_.mode = (root->attr_.mode & ~kS_IFMT) | kS_IFDIR;
  root->first_ = Section{start, size};
  root->attr_.size = size;
  root->attr_.blocks = (uint64_t(size) + 511) / 512;
  free_bytes(root->more_);
  root->more_ = nullptr;
  root->more_count_ = 0;
  free_bytes(root->link_);
  root->link_ = nullptr;
  root->link_len_ = 0;
  if (!(naming_ == Naming::RockRidge && px_ino_))
    root->attr_.ino = root->ino = location_ino(uint64_t(start) * kBlockSize);
  root_ = root;
  return 0;
}

long IsoFs::init(const char** why) {
  BlockDevice* dev = cache_.device();
  uint64_t dev_blocks = dev->sectors() / kSectorsPerBlock;
  if (dev_blocks <= kFirstDescriptor) {
    *why = "device too small for ISO 9660";
    return -kEINVAL;
  }
  if (dev_blocks > 0xFFFFFFFFu) dev_blocks = 0xFFFFFFFFu;
  volume_blocks_ = uint32_t(dev_blocks);  // until the primary descriptor says
  uint8_t primary[kDrMinLength], joliet[kDrMinLength];
  bool have_primary = false, have_joliet = false;
  uint32_t recorded = 0;
  BlockRef vd;
  for (uint32_t i = 0; i < kMaxDescriptors && kFirstDescriptor + i < dev_blocks; i++) {
    if (long r = cache_.get(kFirstDescriptor + i, &vd)) {
      *why = r == -kENOMEM ? "out of memory" : "unreadable volume descriptor";
      return r;
    }
    const uint8_t* d = vd.data();
    if (memcmp(d + kVdId, kStandardId, sizeof kStandardId) != 0) {
      if (i == 0) {
        *why = "no ISO 9660 volume descriptor (CD001) at 32 KiB";
        return -kEINVAL;
      }
      break;
    }
    if (d[0] == kVdTerminator) break;
    if ((d[0] != kVdPrimary && d[0] != kVdSupplementary) || d[kVdRootRecord] < kDrMinLength)
      continue;
    if (d[0] == kVdSupplementary && (!joliet_escape(d) || have_joliet)) continue;
    if (d[0] == kVdPrimary && have_primary) continue;
    if (le16(d + kVdBlockSize) != kBlockSize) {
      *why = "unsupported logical block size (only 2048)";
      return -kEINVAL;
    }
    if (d[0] == kVdPrimary || !have_primary) recorded = le32(d + kVdVolumeBlocks);
    memcpy(d[0] == kVdPrimary ? primary : joliet, d + kVdRootRecord, kDrMinLength);
    (d[0] == kVdPrimary ? have_primary : have_joliet) = true;
  }
  vd.release();
  if (!have_primary && !have_joliet) {
    *why = "no primary volume descriptor";
    return -kEINVAL;
  }
  if (recorded <= kFirstDescriptor) {
    *why = "volume space size too small";
    return -kEIO;
  }
  recorded_blocks_ = recorded;
  if (recorded < volume_blocks_) volume_blocks_ = recorded;
  susp_.volume_blocks = volume_blocks_;

  // Rock Ridge when the root's "." record starts with SP; Joliet otherwise.
  // Only the fixed part of the root records is used (no name, no System Use).
  primary[kDrLength] = joliet[kDrLength] = kDrMinLength;
  primary[kDrNameLength] = joliet[kDrNameLength] = 1;
  Record root;
  if (have_primary) {
    parse_record(primary, kDrMinLength, 0, &root);
    uint32_t start = root.data_start();
    if (start < volume_blocks_) {
      DirCursor cur(this, start, root.size(), 0);
      Record dot;
      long r = cur.next(&dot);
      if (r == -kENOMEM) {
        *why = "out of memory";
        return r;
      }
      if (r == 1 && dot.is_dot() && dot.su_offset() < dot.len &&
          find_susp_indicator(dot.p + dot.su_offset(), dot.len - dot.su_offset(), &susp_.skip)) {
        naming_ = Naming::RockRidge;
        RockRidge rr;
        r = read_su(dot, &rr);
        if (r == -kENOMEM) {
          *why = "out of memory";
          return r;
        }
        px_ino_ = r == 0 && rr.px && rr.ino;
      }
    }
  }
  if (naming_ != Naming::RockRidge && have_joliet) {
    naming_ = Naming::Joliet;
    parse_record(joliet, kDrMinLength, 0, &root);
  }
  return make_root(root.data_start(), root.size(), why);
}

}  // namespace kiln::fs::iso9660

namespace kiln::fs {

bool iso9660_probe(BlockDevice* dev) {
  using namespace iso9660;
  if (dev->sectors() < uint64_t(kFirstDescriptor + 1) * kSectorsPerBlock) return false;
  auto block = alloc_array<uint8_t>(kBlockSize);
  if (!block) return false;
  bool ok = dev->read(uint64_t(kFirstDescriptor) * kSectorsPerBlock, kSectorsPerBlock, block) == 0 &&
            memcmp(block + kVdId, "CD001", 5) == 0;
  free_bytes(block);
  return ok;
}

long iso9660_mount(BlockDevice* dev, FileSystem** out, const char** why, size_t file_cache) {
  const char* ignored;
  if (!why) why = &ignored;
  auto fs = new iso9660::IsoFs(dev, file_cache);
  if (!fs) {
    *why = "out of memory";
    return -kENOMEM;
  }
  if (long r = fs->init(why)) {
    delete fs;
    return r;
  }
  *out = fs;
  return 0;
}

}  // namespace kiln::fs
