// Nodes: attributes, times, regular file data, symlink targets.
#include "fs/ext2/ext2_fs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs::ext2 {
namespace {

constexpr size_t kMaxIo = 0x7ffff000;  // Linux's MAX_RW_COUNT
constexpr uint64_t kSmallFileMax = 0x7fffffff;  // without large_file
constexpr uint32_t kMaxDirectRun = 64;  // blocks read straight into the caller's buffer at once
constexpr uint32_t kNoatimeFl = 0x80;

// The extra time fields exist when extra_isize reaches them.
bool has_ctime_extra(const Inode& in) { return in.extra_isize >= 8; }
bool has_mtime_extra(const Inode& in) { return in.extra_isize >= 12; }
bool has_atime_extra(const Inode& in) { return in.extra_isize >= 16; }

void put_time(uint32_t* lo, uint32_t* extra, bool has_extra, Time t) {
  int64_t sec = t.sec;
  if (!has_extra) {
    if (sec > 0x7fffffff) sec = 0x7fffffff;
    if (sec < -0x7fffffff - 1) sec = -0x7fffffff - 1;
    *lo = uint32_t(sec);
    return;
  }
  *lo = uint32_t(sec);
  int64_t epoch = (sec - int64_t(int32_t(uint32_t(sec)))) >> 32;
  uint64_t nsec = t.nsec >= 0 && t.nsec < 1000000000 ? uint64_t(t.nsec) : 0;
  *extra = uint32_t(epoch & 3) | uint32_t(nsec << 2);
}

}  // namespace

Ext2Node::Ext2Node(Ext2Fs* owner, uint32_t ino_number) : number(ino_number), owner_(owner) {
  fs = owner;
  ino = ino_number;
}

void Ext2Node::release() {
  if (owner_) owner_->node_released(this);
  else delete this;  // detached: its file system is gone
}

void Ext2Node::detach() {
  owner_ = nullptr;
  fs = nullptr;
}

uint64_t Ext2Node::size() const {
  return is_reg() ? uint64_t(in.size) | uint64_t(in.size_high) << 32 : in.size;
}

void Ext2Node::set_size(uint64_t s) {
  in.size = uint32_t(s);
  if (is_reg()) in.size_high = uint32_t(s >> 32);
}

bool Ext2Node::has_blocks() const {
  switch (type()) {
    case kS_IFREG:
    case kS_IFDIR: return true;
    case kS_IFLNK: {
      uint32_t ea = in.file_acl ? owner_->sectors_per_block() : 0;
      return in.blocks != ea;  // a fast symlink keeps its target in i_block
    }
    default: return false;  // devices keep their number there; fifos, sockets nothing
  }
}

Time Ext2Node::get_time(uint32_t lo, uint32_t extra, bool has_extra) const {
  Time t{int64_t(int32_t(lo)), 0};
  if (has_extra) {
    t.sec += int64_t(extra & 3) << 32;
    t.nsec = extra >> 2;
    if (t.nsec > 999999999) t.nsec = 0;
  }
  return t;
}

void Ext2Node::touch(bool modify) {
  Time t = owner_->now();
  put_time(&in.ctime, &in.ctime_extra, has_ctime_extra(in), t);
  if (modify) put_time(&in.mtime, &in.mtime_extra, has_mtime_extra(in), t);
}

// relatime: atime moves when it is older than the last change, or a day old.
void Ext2Node::touch_atime() {
  if (owner_->read_only() || (in.flags & kNoatimeFl)) return;
  Time t = owner_->now();
  Time a = get_time(in.atime, in.atime_extra, has_atime_extra(in));
  Time m = get_time(in.mtime, in.mtime_extra, has_mtime_extra(in));
  Time c = get_time(in.ctime, in.ctime_extra, has_ctime_extra(in));
  auto le = [](Time x, Time y) { return x.sec < y.sec || (x.sec == y.sec && x.nsec <= y.nsec); };
  if (!le(a, m) && !le(a, c) && t.sec - a.sec < 86400) return;
  put_time(&in.atime, &in.atime_extra, has_atime_extra(in), t);
  owner_->note_error(owner_->store_inode(this));
}

long Ext2Node::getattr(Attr* out) {
  OpLock l(owner_);
  *out = Attr{};
  out->ino = number;
  out->mode = in.mode;
  out->nlink = in.links_count;
  out->uid = uint32_t(in.uid) | uint32_t(in.uid_high) << 16;
  out->gid = uint32_t(in.gid) | uint32_t(in.gid_high) << 16;
  out->size = size();
  uint64_t blocks = in.blocks;
  if (owner_->sb_.feature_ro_compat & kRoCompatHugeFile) {
    blocks |= uint64_t(in.blocks_high) << 32;
    if (in.flags & kHugeFileFl) blocks *= owner_->sectors_per_block();
  }
  out->blocks = blocks;
  uint32_t t = type();
  if (t == kS_IFCHR || t == kS_IFBLK) {
    uint32_t b0 = in.block[0], b1 = in.block[1], major, minor;
    if (b0) {
      major = (b0 >> 8) & 0xff, minor = b0 & 0xff;
    } else {
      major = (b1 & 0xfff00) >> 8, minor = (b1 & 0xff) | ((b1 >> 12) & 0xfff00);
    }
    out->rdev = uint64_t(major) << 8 | minor;
  }
  out->blksize = owner_->block_size();
  out->atime = get_time(in.atime, in.atime_extra, has_atime_extra(in));
  out->mtime = get_time(in.mtime, in.mtime_extra, has_mtime_extra(in));
  out->ctime = get_time(in.ctime, in.ctime_extra, has_ctime_extra(in));
  return 0;
}

long Ext2Node::zero_tail(uint64_t at) {
  uint32_t bs = owner_->block_size();
  if (at % bs == 0) return 0;
  uint32_t p;
  if (long r = owner_->bmap(this, at / bs, false, &p)) return r;
  if (!p) return 0;
  BlockRef ref;
  if (long r = owner_->cache()->get(p, &ref)) return r;
  uint32_t from = uint32_t(at % bs);
  bool dirty = false;
  for (uint32_t i = from; i < bs && !dirty; i++) dirty = ref.data()[i] != 0;
  if (dirty) {
    memset(ref.data() + from, 0, bs - from);
    ref.mark_dirty();
  }
  return 0;
}

long Ext2Node::resize(uint64_t new_size) {
  if (new_size > owner_->max_file_size()) return -kEFBIG;
  if (new_size > kSmallFileMax) {
    if (long r = owner_->ensure_large_file()) return r;
  }
  uint64_t old = size();
  if (new_size < old) {
    if (long r = zero_tail(new_size)) return r;
    set_size(new_size);
    long r = owner_->truncate_blocks(this, new_size);
    if (r < 0) return r;
  } else if (new_size > old) {
    if (long r = zero_tail(old)) return r;
    set_size(new_size);
  }
  return 0;
}

long Ext2Node::setattr(const Attr& a, uint32_t which) {
  OpLock l(owner_);
  if (owner_->read_only()) return -kEROFS;
  if (which & kSetSize) {
    if (is_dir()) return -kEISDIR;
    if (!is_reg()) return -kEINVAL;
    if (long r = resize(a.size)) {
      owner_->note_error(owner_->store_inode(this));
      return r;
    }
    touch(true);
  }
  if (which & kSetMode) in.mode = uint16_t((in.mode & kS_IFMT) | (a.mode & 07777));
  if (which & kSetUid) {
    in.uid = uint16_t(a.uid);
    in.uid_high = uint16_t(a.uid >> 16);
  }
  if (which & kSetGid) {
    in.gid = uint16_t(a.gid);
    in.gid_high = uint16_t(a.gid >> 16);
  }
  if (which & kSetAtime) put_time(&in.atime, &in.atime_extra, has_atime_extra(in), a.atime);
  if (which & kSetMtime) put_time(&in.mtime, &in.mtime_extra, has_mtime_extra(in), a.mtime);
  if (which & kSetCtime) put_time(&in.ctime, &in.ctime_extra, has_ctime_extra(in), a.ctime);
  else touch(false);
  return owner_->store_inode(this);
}

long Ext2Node::read_locked(uint64_t off, uint8_t* dst, size_t n) {
  uint64_t sz = size();
  if (off >= sz || n == 0) return 0;
  if (n > sz - off) n = size_t(sz - off);
  if (n > kMaxIo) n = kMaxIo;
  uint32_t bs = owner_->block_size();
  BlockCache* cache = owner_->cache();
  size_t done = 0;
  while (done < n) {
    uint64_t pos = off + done, lb = pos / bs;
    uint32_t within = uint32_t(pos % bs);
    size_t chunk = bs - within < n - done ? bs - within : n - done;
    uint32_t p;
    long r = owner_->bmap(this, lb, false, &p);
    if (r < 0) return done ? long(done) : r;
    if (p == 0) {
      memset(dst + done, 0, chunk);
    } else if (within == 0 && chunk == bs && !cache->cached(p)) {
      // Whole blocks, neighbours on disk, none cached: straight to the caller.
      uint32_t run = 1;
      while (run < kMaxDirectRun && done + size_t(run + 1) * bs <= n) {
        uint32_t q;
        if (owner_->bmap(this, lb + run, false, &q) < 0 || q != p + run || cache->cached(q)) break;
        run++;
      }
      if (long e = cache->read_direct(p, run, dst + done)) return done ? long(done) : e;
      chunk = size_t(run) * bs;
    } else {
      BlockRef ref;
      if (long e = cache->get(p, &ref)) return done ? long(done) : e;
      memcpy(dst + done, ref.data() + within, chunk);
    }
    done += chunk;
  }
  return long(done);
}

long Ext2Node::read(uint64_t offset, void* buf, size_t n) {
  OpLock l(owner_);
  if (is_dir()) return -kEISDIR;
  if (!is_reg()) return -kEINVAL;
  long r = read_locked(offset, static_cast<uint8_t*>(buf), n);
  if (r > 0) touch_atime();
  return r;
}

long Ext2Node::write_locked(uint64_t off, const uint8_t* src, size_t n) {
  uint64_t max = owner_->max_file_size();
  if (off >= max) return -kEFBIG;
  if (n > max - off) n = size_t(max - off);
  if (n > kMaxIo) n = kMaxIo;
  if (off + n > kSmallFileMax && owner_->ensure_large_file() < 0) {
    if (off >= kSmallFileMax) return -kEFBIG;
    n = size_t(kSmallFileMax - off);
  }
  uint64_t old = size();
  if (off > old) {
    if (long r = zero_tail(old)) return r;
  }
  uint32_t bs = owner_->block_size();
  BlockCache* cache = owner_->cache();
  size_t done = 0;
  long err = 0;
  while (done < n) {
    uint64_t pos = off + done, lb = pos / bs;
    uint32_t within = uint32_t(pos % bs);
    size_t chunk = bs - within < n - done ? bs - within : n - done;
    uint32_t p;
    if ((err = owner_->bmap(this, lb, true, &p)) < 0) break;
    BlockRef ref;
    err = (within == 0 && chunk == bs) ? cache->get_new(p, &ref) : cache->get(p, &ref);
    if (err < 0) break;
    memcpy(ref.data() + within, src + done, chunk);
    ref.mark_dirty();
    done += chunk;
  }
  if (off + done > old) set_size(off + done);
  if (done) touch(true);
  if (err < 0) owner_->note_error(owner_->truncate_blocks(this, size()));  // blocks past the end
  long s = owner_->store_inode(this);
  if (done) return long(done);
  return err < 0 ? err : s;
}

long Ext2Node::write(uint64_t offset, const void* buf, size_t n) {
  OpLock l(owner_);
  if (is_dir()) return -kEISDIR;
  if (!is_reg()) return -kEINVAL;
  if (owner_->read_only()) return -kEROFS;
  if (n == 0) return 0;
  return write_locked(offset, static_cast<const uint8_t*>(buf), n);
}

long Ext2Node::readlink(char* buf, size_t cap) {
  OpLock l(owner_);
  if (type() != kS_IFLNK) return -kEINVAL;
  uint64_t sz = size();
  uint32_t bs = owner_->block_size();
  if (!has_blocks()) {
    if (sz > sizeof in.block) return owner_->corrupt();
    size_t n = sz < cap ? size_t(sz) : cap;
    memcpy(buf, in.block, n);
    return long(n);
  }
  if (sz == 0 || sz >= bs || sz >= 4096) return owner_->corrupt();
  uint32_t p;
  if (long r = owner_->bmap(this, 0, false, &p)) return r;
  if (!p) return owner_->corrupt();
  BlockRef ref;
  if (long r = owner_->cache()->get(p, &ref)) return r;
  size_t n = sz < cap ? size_t(sz) : cap;
  memcpy(buf, ref.data(), n);
  return long(n);
}

}  // namespace kiln::fs::ext2
