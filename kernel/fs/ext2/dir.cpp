// Directories: linear entries (Linux's fs/ext2/dir.c rules), lookup,
// readdir, create, mkdir, symlink, link, unlink, rmdir and rename. Hashed
// (htree) directories read as linear ones, which they also are; a change
// clears their index flag, as Linux's ext2 does.
#include "fs/ext2/ext2_fs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs::ext2 {
namespace {

constexpr uint32_t kMaxAncestors = 1 << 16;

DirEntry entry_at(const uint8_t* block, uint32_t off) {
  DirEntry e;
  memcpy(&e, block + off, sizeof e);
  return e;
}

void put_entry(uint8_t* block, uint32_t off, const DirEntry& e) { memcpy(block + off, &e, sizeof e); }

bool is_dot(const char* name, size_t len) { return len == 1 && name[0] == '.'; }
bool is_dotdot(const char* name, size_t len) { return len == 2 && name[0] == '.' && name[1] == '.'; }

uint8_t dtype_of_ft(uint8_t ft) {
  switch (ft) {
    case kFtRegular: return kDT_REG;
    case kFtDir: return kDT_DIR;
    case kFtChr: return kDT_CHR;
    case kFtBlk: return kDT_BLK;
    case kFtFifo: return kDT_FIFO;
    case kFtSock: return kDT_SOCK;
    case kFtSymlink: return kDT_LNK;
    default: return kDT_UNKNOWN;
  }
}

long check_name(const char* name, size_t len) {
  if (len == 0) return -kENOENT;
  if (len > kNameMax) return -kENAMETOOLONG;
  (void)name;
  return 0;
}

}  // namespace

uint32_t Ext2Node::dir_blocks() const { return in.size / owner_->block_size(); }

// Block `lblock` of this directory, every entry in it checked.
long Ext2Node::dir_block(uint32_t lblock, BlockRef* out) {
  uint32_t bs = owner_->block_size();
  uint32_t p;
  if (long r = owner_->bmap(this, lblock, false, &p)) return r;
  if (!p) return owner_->corrupt();  // a hole in a directory
  if (long r = owner_->cache()->get(p, out)) return r;
  if (out->checked()) return 0;
  const uint8_t* d = out->data();
  uint32_t off = 0;
  while (off < bs) {
    if (bs - off < 12) return owner_->corrupt();
    DirEntry e = entry_at(d, off);
    if (e.rec_len < 12 || (e.rec_len & 3) || e.rec_len > bs - off ||
        rec_len_for(e.name_len) > e.rec_len || e.inode > owner_->inodes_count())
      return owner_->corrupt();
    off += e.rec_len;
  }
  out->set_checked();
  return 0;
}

// The directory's size must be whole blocks, and no more than the volume holds.
static long dir_size_check(Ext2Fs* fs, const Inode& in) {
  uint32_t bs = fs->block_size();
  if (in.size % bs || in.size / bs > fs->blocks_count()) return fs->corrupt();
  return 0;
}

// The largest record a new entry could take in a (checked) block.
static uint32_t block_room(const uint8_t* d, uint32_t bs) {
  uint32_t room = 0;
  for (uint32_t off = 0; off < bs;) {
    DirEntry e = entry_at(d, off);
    uint32_t free = e.inode ? e.rec_len - rec_len_for(e.name_len) : e.rec_len;
    if (free > room) room = free;
    off += e.rec_len;
  }
  return room;
}

Ext2Node::~Ext2Node() { delete index_; }

void Ext2Node::drop_index() {
  delete index_;
  index_ = nullptr;
}

// Reads the whole directory once; on any failure there is simply no index.
void Ext2Node::build_index() {
  auto ix = new DirIndex;
  if (!ix) return;
  uint32_t bs = owner_->block_size(), n = dir_blocks();
  for (uint32_t lb = 0; lb < n; lb++) {
    BlockRef ref;
    bool ok = dir_block(lb, &ref) == 0;
    for (uint32_t off = 0; ok && off < bs;) {
      DirEntry e = entry_at(ref.data(), off);
      if (e.inode) {
        const char* entry_name = reinterpret_cast<const char*>(ref.data() + off + 8);
        ok = ix->insert(DirIndex::hash(entry_name, e.name_len), lb * bs + off);
      }
      off += e.rec_len;
    }
    if (!ok || !ix->set_room(lb, block_room(ref.data(), bs))) {
      delete ix;
      return;
    }
  }
  index_ = ix;
}

// An entry was written at `pos` (in block `lblock`, whose data is `block`).
void Ext2Node::index_added(const char* name, size_t len, uint32_t lblock, uint32_t pos,
                           const uint8_t* block) {
  if (!index_) return;
  if (!index_->insert(DirIndex::hash(name, len), pos) ||
      !index_->set_room(lblock, block_room(block, owner_->block_size())))
    drop_index();
}

long Ext2Node::dir_find(const char* name, size_t len, DirSlot* out) {
  if (long r = dir_size_check(owner_, in)) return r;
  if (!index_ && in.size >= DirIndex::kMinBytes) build_index();
  if (index_) return dir_find_indexed(name, len, out);
  return dir_scan(name, len, out);
}

// Candidates from the index, each checked in its block. A position that is
// no entry's (the index went wrong) drops the index for a full scan.
long Ext2Node::dir_find_indexed(const char* name, size_t len, DirSlot* out) {
  uint32_t bs = owner_->block_size();
  uint32_t h = DirIndex::hash(name, len), cursor = 0, pos;
  while (index_->next(h, &cursor, &pos)) {
    BlockRef ref;
    if (long r = dir_block(pos / bs, &ref)) return r;
    uint32_t at = pos % bs, off = 0, prev = ~0u;
    while (off < at) {
      prev = off;
      off += entry_at(ref.data(), off).rec_len;
    }
    DirEntry e = entry_at(ref.data(), off);
    if (off != at || !e.inode) {
      drop_index();
      return dir_scan(name, len, out);
    }
    if (e.name_len == len && memcmp(ref.data() + off + 8, name, len) == 0) {
      out->pos = pos;
      out->prev = prev;
      out->ino = e.inode;
      out->file_type = owner_->filetype() ? e.file_type : kFtUnknown;
      return 0;
    }
  }
  return -kENOENT;
}

long Ext2Node::dir_scan(const char* name, size_t len, DirSlot* out) {
  uint32_t bs = owner_->block_size(), n = dir_blocks();
  for (uint32_t lb = 0; lb < n; lb++) {
    BlockRef ref;
    if (long r = dir_block(lb, &ref)) return r;
    uint32_t off = 0, prev = ~0u;
    while (off < bs) {
      DirEntry e = entry_at(ref.data(), off);
      if (e.inode && e.name_len == len && memcmp(ref.data() + off + 8, name, len) == 0) {
        out->pos = uint64_t(lb) * bs + off;
        out->prev = prev;
        out->ino = e.inode;
        out->file_type = owner_->filetype() ? e.file_type : kFtUnknown;
        return 0;
      }
      prev = off;
      off += e.rec_len;
    }
  }
  return -kENOENT;
}

long Ext2Node::dir_add(const char* name, size_t len, uint32_t target, uint8_t file_type) {
  if (long r = dir_size_check(owner_, in)) return r;
  uint32_t bs = owner_->block_size(), n = dir_blocks();
  uint32_t need = rec_len_for(uint32_t(len));
  uint8_t ft = owner_->filetype() ? file_type : 0;
  BlockRef ref;
  uint32_t at = 0, rec = 0, lb = index_ ? index_->first_with_room(need) : 0;
  bool found = false;
  for (; lb < n && !found; lb++) {
    if (long r = dir_block(lb, &ref)) return r;
    uint32_t off = 0;
    while (off < bs) {
      DirEntry e = entry_at(ref.data(), off);
      uint32_t used = e.inode ? rec_len_for(e.name_len) : 0;
      if (e.rec_len >= used + need) {
        if (e.inode) {
          // Split: the old entry keeps what its name needs.
          at = off + used;
          rec = e.rec_len - used;
          e.rec_len = uint16_t(used);
          put_entry(ref.data(), off, e);
        } else {
          at = off;
          rec = e.rec_len;
        }
        found = true;
        break;
      }
      off += e.rec_len;
    }
  }
  if (found) {
    lb--;  // the loop stepped past the block it found room in
  } else {
    // A new block at the end.
    if (uint64_t(in.size) + bs > 0xffffffffu) return -kEFBIG;
    uint32_t p;
    if (long r = owner_->bmap(this, n, true, &p)) return r;
    if (long r = owner_->cache()->get_new(p, &ref)) return r;
    at = 0;
    rec = bs;
    in.size += bs;
    lb = n;
  }
  DirEntry e{target, uint16_t(rec), uint8_t(len), ft};
  put_entry(ref.data(), at, e);
  memcpy(ref.data() + at + 8, name, len);
  ref.mark_dirty();
  index_added(name, len, lb, lb * bs + at, ref.data());
  in.flags &= ~kIndexFl;
  touch(true);
  return owner_->store_inode(this);
}

long Ext2Node::dir_remove(const DirSlot& slot) {
  uint32_t bs = owner_->block_size();
  BlockRef ref;
  if (long r = dir_block(uint32_t(slot.pos / bs), &ref)) return r;
  uint32_t off = uint32_t(slot.pos % bs);
  DirEntry e = entry_at(ref.data(), off);
  if (e.inode != slot.ino) return owner_->corrupt();
  if (index_)
    index_->erase(DirIndex::hash(reinterpret_cast<const char*>(ref.data() + off + 8), e.name_len),
                  uint32_t(slot.pos));
  if (slot.prev != ~0u) {
    DirEntry p = entry_at(ref.data(), slot.prev);
    if (slot.prev + p.rec_len != off) return owner_->corrupt();
    p.rec_len = uint16_t(p.rec_len + e.rec_len);
    put_entry(ref.data(), slot.prev, p);
  }
  e.inode = 0;
  put_entry(ref.data(), off, e);
  ref.mark_dirty();
  if (index_ && !index_->set_room(uint32_t(slot.pos / bs), block_room(ref.data(), bs)))
    drop_index();
  in.flags &= ~kIndexFl;
  touch(true);
  return owner_->store_inode(this);
}

long Ext2Node::dir_retarget(const DirSlot& slot, uint32_t target, uint8_t file_type) {
  uint32_t bs = owner_->block_size();
  BlockRef ref;
  if (long r = dir_block(uint32_t(slot.pos / bs), &ref)) return r;
  uint32_t off = uint32_t(slot.pos % bs);
  DirEntry e = entry_at(ref.data(), off);
  if (e.inode != slot.ino) return owner_->corrupt();
  e.inode = target;
  if (owner_->filetype()) e.file_type = file_type;
  put_entry(ref.data(), off, e);
  ref.mark_dirty();
  in.flags &= ~kIndexFl;
  touch(true);
  return owner_->store_inode(this);
}

// 1 when only "." and ".." are left, 0 when not, or -errno.
long Ext2Node::dir_is_empty() {
  if (long r = dir_size_check(owner_, in)) return r;
  uint32_t bs = owner_->block_size(), n = dir_blocks();
  for (uint32_t lb = 0; lb < n; lb++) {
    BlockRef ref;
    if (long r = dir_block(lb, &ref)) return r;
    for (uint32_t off = 0; off < bs;) {
      DirEntry e = entry_at(ref.data(), off);
      const char* name = reinterpret_cast<const char*>(ref.data() + off + 8);
      if (e.inode && !is_dot(name, e.name_len) && !is_dotdot(name, e.name_len)) return 0;
      off += e.rec_len;
    }
  }
  return 1;
}

// The first block of a new directory: "." and "..".
long Ext2Node::dir_init(uint32_t parent_ino) {
  uint32_t bs = owner_->block_size();
  uint32_t p;
  if (long r = owner_->bmap(this, 0, true, &p)) return r;
  BlockRef ref;
  if (long r = owner_->cache()->get_new(p, &ref)) return r;
  uint8_t ft = owner_->filetype() ? kFtDir : 0;
  put_entry(ref.data(), 0, DirEntry{number, 12, 1, ft});
  ref.data()[8] = '.';
  put_entry(ref.data(), 12, DirEntry{parent_ino, uint16_t(bs - 12), 2, ft});
  ref.data()[20] = ref.data()[21] = '.';
  ref.mark_dirty();
  in.size = bs;
  return owner_->store_inode(this);
}

long Ext2Node::lookup(const char* name, size_t len, Node** out) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (long r = check_name(name, len)) return r;
  if (in.links_count == 0) return -kENOENT;  // removed
  DirSlot s;
  if (long r = dir_find(name, len, &s)) return r;
  if (!owner_->entry_ino_ok(s.ino)) return owner_->corrupt();
  Ext2Node* child;
  if (long r = owner_->iget(s.ino, &child)) return r;
  if (child->in.links_count == 0) {
    child->put();
    return owner_->corrupt();
  }
  *out = child;
  return 0;
}

long Ext2Node::readdir(uint64_t* cookie, Emit emit, void* ctx) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (in.links_count == 0) return 0;
  if (long r = dir_size_check(owner_, in)) return r;
  uint32_t bs = owner_->block_size();
  uint64_t size = in.size;
  bool ft = owner_->filetype();
  while (*cookie < size) {
    uint32_t lb = uint32_t(*cookie / bs);
    uint32_t start = uint32_t(*cookie % bs);
    BlockRef ref;
    if (long r = dir_block(lb, &ref)) return r;
    uint64_t base = uint64_t(lb) * bs;
    uint32_t off = 0;
    while (off < start) off += entry_at(ref.data(), off).rec_len;  // a cookie inside an entry: the next one
    while (off < bs) {
      DirEntry e = entry_at(ref.data(), off);
      uint64_t next = base + off + e.rec_len;
      if (e.inode) {
        const char* name = reinterpret_cast<const char*>(ref.data() + off + 8);
        if (!emit(ctx, e.inode, ft ? dtype_of_ft(e.file_type) : kDT_UNKNOWN, name, e.name_len, next)) {
          *cookie = base + off;
          touch_atime();
          return 0;
        }
      }
      off += e.rec_len;
      *cookie = next;
    }
    *cookie = base + bs;
  }
  touch_atime();
  return 0;
}

long Ext2Node::do_create(const char* name, size_t len, uint32_t mode, uint64_t rdev,
                         Ext2Node** out) {
  uint32_t type = mode & kS_IFMT;
  bool dir = type == kS_IFDIR;
  Ext2Node* n;
  if (long r = owner_->new_node(this, mode, &n)) return r;
  long r = 0;
  if (dir) {
    r = n->dir_init(number);
  } else if (type == kS_IFCHR || type == kS_IFBLK) {
    uint32_t major = uint32_t(rdev >> 8), minor = uint32_t(rdev & 0xff);
    if (major < 256) {
      n->in.block[0] = major << 8 | minor;
    } else {
      n->in.block[1] = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
    }
  }
  if (r == 0) {
    n->in.links_count = uint16_t(dir ? 2 : 1);
    r = owner_->store_inode(n);
  }
  if (r == 0) r = dir_add(name, len, n->number, file_type_of(mode));
  if (r < 0) {
    n->in.links_count = 0;  // released by the reaper with whatever it got
    n->put();
    return r;
  }
  if (dir) {
    in.links_count++;
    owner_->note_error(owner_->store_inode(this));
  }
  *out = n;
  return 0;
}

long Ext2Node::create(const char* name, size_t len, uint32_t mode, uint64_t rdev, Node** out) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (long r = check_name(name, len)) return r;
  if (owner_->read_only()) return -kEROFS;
  if (in.links_count == 0) return -kENOENT;
  uint32_t type = mode & kS_IFMT;
  if (type == 0) type = kS_IFREG;
  if (type != kS_IFREG && type != kS_IFDIR && type != kS_IFCHR && type != kS_IFBLK &&
      type != kS_IFIFO && type != kS_IFSOCK)
    return -kEINVAL;
  DirSlot s;
  long r = dir_find(name, len, &s);
  if (r == 0) return -kEEXIST;
  if (r != -kENOENT) return r;
  if (type == kS_IFDIR && in.links_count >= kLinkMax) return -kEMLINK;
  Ext2Node* n;
  if ((r = do_create(name, len, type | (mode & 07777), rdev, &n))) return r;
  if (out) *out = n;
  else n->put();
  return 0;
}

long Ext2Node::symlink(const char* name, size_t len, const char* target, size_t target_len) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (long r = check_name(name, len)) return r;
  if (owner_->read_only()) return -kEROFS;
  if (in.links_count == 0) return -kENOENT;
  if (target_len == 0) return -kENOENT;
  if (target_len >= 4096 || target_len >= owner_->block_size()) return -kENAMETOOLONG;
  DirSlot s;
  long r = dir_find(name, len, &s);
  if (r == 0) return -kEEXIST;
  if (r != -kENOENT) return r;
  Ext2Node* n;
  if ((r = owner_->new_node(this, kS_IFLNK | 0777, &n))) return r;
  if (target_len <= kFastSymlinkMax) {
    memcpy(n->in.block, target, target_len);
  } else {
    uint32_t p;
    r = owner_->bmap(n, 0, true, &p);
    BlockRef ref;
    if (r == 0) r = owner_->cache()->get(p, &ref);
    if (r == 0) {
      memcpy(ref.data(), target, target_len);
      ref.mark_dirty();
    }
  }
  n->set_size(target_len);
  if (r == 0) {
    n->in.links_count = 1;
    r = owner_->store_inode(n);
  }
  if (r == 0) r = dir_add(name, len, n->number, kFtSymlink);
  if (r < 0) n->in.links_count = 0;
  n->put();
  return r;
}

long Ext2Node::link(const char* name, size_t len, Node* target) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (target->fs != fs) return -kEXDEV;
  if (long r = check_name(name, len)) return r;
  if (owner_->read_only()) return -kEROFS;
  auto t = static_cast<Ext2Node*>(target);
  if (t->is_dir()) return -kEPERM;
  if (in.links_count == 0 || t->in.links_count == 0) return -kENOENT;
  if (t->in.links_count >= kLinkMax) return -kEMLINK;
  DirSlot s;
  long r = dir_find(name, len, &s);
  if (r == 0) return -kEEXIST;
  if (r != -kENOENT) return r;
  if ((r = dir_add(name, len, t->number, file_type_of(t->in.mode)))) return r;
  t->in.links_count++;
  t->touch(false);
  return owner_->store_inode(t);
}

long Ext2Node::remove(const char* name, size_t len, bool dir) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (long r = check_name(name, len)) return r;
  if (is_dot(name, len)) return dir ? -kEINVAL : -kEISDIR;
  if (is_dotdot(name, len)) return dir ? -kENOTEMPTY : -kEISDIR;
  if (owner_->read_only()) return -kEROFS;
  DirSlot s;
  if (long r = dir_find(name, len, &s)) return r;
  if (!owner_->entry_ino_ok(s.ino) || s.ino == kRootIno) return owner_->corrupt();
  Ext2Node* child;
  if (long r = owner_->iget(s.ino, &child)) return r;
  long r = 0;
  if (dir && !child->is_dir()) r = -kENOTDIR;
  else if (!dir && child->is_dir()) r = -kEISDIR;
  else if (dir) {
    r = child->dir_is_empty();
    r = r < 0 ? r : r == 0 ? -kENOTEMPTY : 0;
  }
  if (r == 0) r = dir_remove(s);
  if (r == 0) {
    if (dir) {
      child->in.links_count = 0;
      if (in.links_count > 1) in.links_count--;
      owner_->note_error(owner_->store_inode(this));
    } else if (child->in.links_count) {
      child->in.links_count--;
    }
    child->touch(false);
    r = owner_->store_inode(child);
  }
  child->put();
  return r;
}

// -EINVAL when `moving` is this directory or one of its ancestors.
long Ext2Node::check_not_ancestor(Ext2Node* moving) {
  uint32_t cur = number;
  for (uint32_t steps = 0; steps < kMaxAncestors; steps++) {
    if (cur == moving->number) return -kEINVAL;
    if (cur == kRootIno) return 0;
    Ext2Node* d;
    if (long r = owner_->iget(cur, &d)) return r;
    DirSlot s;
    long r = d->is_dir() ? d->dir_find("..", 2, &s) : owner_->corrupt();
    d->put();
    if (r < 0) return r == -kENOENT ? owner_->corrupt() : r;
    if (s.ino == cur) return 0;
    if (!owner_->entry_ino_ok(s.ino)) return owner_->corrupt();
    cur = s.ino;
  }
  return owner_->corrupt();
}

long Ext2Node::do_rename(const char* name, size_t len, Ext2Node* to, const char* to_name,
                         size_t to_len) {
  DirSlot src;
  if (long r = dir_find(name, len, &src)) return r;
  if (!owner_->entry_ino_ok(src.ino) || src.ino == kRootIno) return owner_->corrupt();
  DirSlot dst;
  long found = to->dir_find(to_name, to_len, &dst);
  if (found < 0 && found != -kENOENT) return found;
  if (found == 0 && dst.ino == src.ino) return 0;  // the same file under both names
  if (found == 0 && (!owner_->entry_ino_ok(dst.ino) || dst.ino == kRootIno)) return owner_->corrupt();

  Ext2Node* moving;
  if (long r = owner_->iget(src.ino, &moving)) return r;
  Ext2Node* victim = nullptr;
  bool dir = moving->is_dir();
  bool cross = to != this;
  // Linux's order: a directory moved below itself first, then the types.
  long r = dir && cross ? to->check_not_ancestor(moving) : 0;
  if (r == 0 && found == 0) r = owner_->iget(dst.ino, &victim);
  if (r == 0 && victim && victim->is_dir()) {
    // A target above the source (so not empty) comes before the types.
    long above = check_not_ancestor(victim);
    r = above == -kEINVAL ? -kENOTEMPTY : above;
  }
  if (r == 0 && victim) {
    if (dir && !victim->is_dir()) r = -kENOTDIR;
    else if (!dir && victim->is_dir()) r = -kEISDIR;
    else if (victim->is_dir()) {
      r = victim->dir_is_empty();
      r = r < 0 ? r : r == 0 ? -kENOTEMPTY : 0;
    }
  }
  if (r == 0 && dir && cross && !victim && to->in.links_count >= kLinkMax) r = -kEMLINK;
  uint8_t ft = file_type_of(moving->in.mode);
  // The new name first, so a failure leaves the old one.
  if (r == 0) r = victim ? to->dir_retarget(dst, moving->number, ft) : to->dir_add(to_name, to_len, moving->number, ft);
  if (r == 0) {
    // Found again: adding may have split the entry before it.
    DirSlot again;
    r = dir_find(name, len, &again);
    if (r == 0 && again.ino != moving->number) r = owner_->corrupt();
    if (r == 0) r = dir_remove(again);
  }
  if (r == 0 && victim) {
    if (victim->is_dir()) {
      victim->in.links_count = 0;
      if (to->in.links_count > 1) to->in.links_count--;  // its ".." went
    } else if (victim->in.links_count) {
      victim->in.links_count--;
    }
    victim->touch(false);
    owner_->note_error(owner_->store_inode(victim));
  }
  if (r == 0 && dir && cross) {
    DirSlot dotdot;
    r = moving->dir_find("..", 2, &dotdot);
    if (r == -kENOENT) r = owner_->corrupt();
    if (r == 0) r = moving->dir_retarget(dotdot, to->number, kFtDir);
    if (in.links_count > 1) in.links_count--;
    to->in.links_count++;
  }
  if (r == 0) {
    moving->touch(false);
    owner_->note_error(owner_->store_inode(moving));
  }
  owner_->note_error(owner_->store_inode(this));
  owner_->note_error(owner_->store_inode(to));
  if (victim) victim->put();
  moving->put();
  return r;
}

long Ext2Node::rename(const char* name, size_t len, Node* to_dir, const char* to_name,
                      size_t to_len) {
  OpLock l(owner_);
  if (!is_dir()) return -kENOTDIR;
  if (to_dir->fs != fs) return -kEXDEV;
  auto to = static_cast<Ext2Node*>(to_dir);
  if (!to->is_dir()) return -kENOTDIR;
  if (long r = check_name(name, len)) return r;
  if (long r = check_name(to_name, to_len)) return r;
  if (is_dot(name, len) || is_dotdot(name, len) || is_dot(to_name, to_len) ||
      is_dotdot(to_name, to_len))
    return -kEBUSY;
  if (owner_->read_only()) return -kEROFS;
  if (in.links_count == 0 || to->in.links_count == 0) return -kENOENT;
  return do_rename(name, len, to, to_name, to_len);
}

}  // namespace kiln::fs::ext2
