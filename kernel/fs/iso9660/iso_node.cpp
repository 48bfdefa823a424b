#include "fs/iso9660/iso_fs.h"
#include "lib/mem.h"
#include "posix/errno.h"

namespace kiln::fs::iso9660 {
namespace {

bool is_name(const char* name, size_t len, const char* s) {
  return len == strlen(s) && memcmp(name, s, len) == 0;
}

bool equal_nocase(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x | 0x20);
    if (y >= 'A' && y <= 'Z') y = char(y | 0x20);
    if (x != y) return false;
  }
  return true;
}

}  // namespace

IsoNode::IsoNode(IsoFs* owner, IsoNode* parent) : owner_(owner), parent_(parent) {
  fs = owner;
  if (parent_) parent_->get();
}

IsoNode::~IsoNode() {
  free_array(more_);
  free_array(link_);
  if (parent_) parent_->put();
}

long IsoNode::getattr(Attr* out) {
  *out = attr_;
  return 0;
}

long IsoNode::read_section(const Section& s, uint64_t offset, uint8_t* out, size_t n) {
  size_t done = 0;
  long err = 0;
  while (done < n) {
    uint64_t at = offset + done;
    uint64_t lba = s.start + at / kBlockSize;
    size_t off = size_t(at % kBlockSize);
    if (lba >= owner_->volume_blocks_) {
      err = -EIO;
      break;
    }
    if (off == 0 && n - done >= kBlockSize) {
      // Whole blocks go straight to the caller's buffer.
      uint64_t count = (n - done) / kBlockSize;
      if (count > uint64_t(kDirectIoBlocks)) count = kDirectIoBlocks;
      if (count > owner_->volume_blocks_ - lba) count = owner_->volume_blocks_ - lba;
      BlockDevice* dev = owner_->cache_.device();
      if (dev->read(lba * kSectorsPerBlock, uint32_t(count * kSectorsPerBlock), out + done) < 0) {
        err = -EIO;
        break;
      }
      done += size_t(count * kBlockSize);
      continue;
    }
    BlockRef block;
    if (long r = owner_->cache_.get(uint32_t(lba), &block)) {
      err = r;
      break;
    }
    size_t chunk = kBlockSize - off;
    if (chunk > n - done) chunk = n - done;
    memcpy(out + done, block.data() + off, chunk);
    done += chunk;
  }
  return done ? long(done) : err;
}

long IsoNode::read(uint64_t offset, void* buf, size_t n) {
  if (is_dir()) return -EISDIR;
  if ((attr_.mode & kTypeMask) != kTypeRegular) return -EINVAL;
  if (offset >= attr_.size) return 0;
  if (n > attr_.size - offset) n = size_t(attr_.size - offset);
  auto out = static_cast<uint8_t*>(buf);
  size_t done = 0;
  uint64_t base = 0;  // the file offset where section i starts
  for (uint32_t i = 0; i <= more_count_ && done < n; i++) {
    const Section& s = i == 0 ? first_ : more_[i - 1];
    uint64_t at = offset + done;
    if (at < base + s.size) {
      uint64_t want = base + s.size - at;
      if (want > n - done) want = n - done;
      long r = read_section(s, at - base, out + done, size_t(want));
      if (r < 0) return done ? long(done) : r;
      done += size_t(r);
      if (uint64_t(r) < want) break;
    }
    base += s.size;
  }
  return long(done);
}

// The position of the entry named `name`. Joliet names match without
// regard to ASCII case, as Linux's check=relaxed does, an exact match first.
long IsoNode::find(const char* name, size_t len, uint64_t* pos) {
  auto e = new Entry;
  if (!e) return -ENOMEM;
  bool relaxed = owner_->naming_ == Naming::Joliet;
  bool candidate = false;
  DirCursor cur(owner_, first_.start, first_.size, 0);
  long r;
  for (;;) {
    uint64_t at = cur.pos();
    Record rec;
    r = cur.next(&rec);
    if (r <= 0) break;
    r = owner_->decode(rec, e);
    if (r == 0 && (rec.flags() & kFlagMultiExtent)) r = cur.skip_sections();
    if (r < 0) break;
    if (e->hidden || e->name_len != len) continue;
    if (memcmp(e->name, name, len) == 0) {
      *pos = at;
      delete e;
      return 0;
    }
    if (relaxed && !candidate && equal_nocase(e->name, name, len)) {
      candidate = true;
      *pos = at;
    }
  }
  delete e;
  if (r < 0) return r;
  return candidate ? 0 : -ENOENT;
}

long IsoNode::lookup(const char* name, size_t len, Node** out) {
  if (!is_dir()) return -ENOTDIR;
  if (is_name(name, len, ".") || is_name(name, len, "..")) {
    IsoNode* n = (len == 2 && parent_) ? parent_ : this;
    n->get();
    *out = n;
    return 0;
  }
  uint64_t pos;
  if (long r = find(name, len, &pos)) return r;
  DirCursor cur(owner_, first_.start, first_.size, pos);
  IsoNode* node;
  if (long r = owner_->make_node(this, &cur, &node)) return r;
  *out = node;
  return 0;
}

// Cookies: 0 is ".", 1 is "..", and 2 + n the record at byte n of the directory.
long IsoNode::readdir(uint64_t* cookie, Emit emit, void* ctx) {
  if (!is_dir()) return -ENOTDIR;
  if (*cookie == 0) {
    if (!emit(ctx, attr_.ino, kDtDir, ".", 1, 1)) return 0;
    *cookie = 1;
  }
  if (*cookie == 1) {
    uint64_t up = parent_ ? parent_->attr_.ino : attr_.ino;
    if (!emit(ctx, up, kDtDir, "..", 2, 2)) return 0;
    *cookie = 2;
  }
  auto e = new Entry;
  if (!e) return -ENOMEM;
  DirCursor cur(owner_, first_.start, first_.size, *cookie - 2);
  long r;
  for (;;) {
    uint64_t at = cur.pos();
    Record rec;
    r = cur.next(&rec);
    if (r <= 0) break;
    r = owner_->decode(rec, e);
    if (r < 0) break;
    uint64_t entry_ino = owner_->entry_ino(rec, *e);
    uint8_t type = owner_->entry_type(rec, *e);
    if (rec.flags() & kFlagMultiExtent) {
      r = cur.skip_sections();
      if (r < 0) break;
    }
    if (!e->hidden && !emit(ctx, entry_ino, type, e->name, e->name_len, 2 + cur.pos())) {
      *cookie = 2 + at;
      r = 0;
      break;
    }
    *cookie = 2 + cur.pos();
  }
  delete e;
  return r < 0 ? r : 0;
}

long IsoNode::readlink(char* buf, size_t cap) {
  if ((attr_.mode & kTypeMask) != kTypeSymlink) return -EINVAL;
  size_t n = link_len_ < cap ? link_len_ : cap;
  if (n) memcpy(buf, link_, n);
  return long(n);
}

}  // namespace kiln::fs::iso9660
