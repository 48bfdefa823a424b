#include "fs/iso9660/iso_fs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

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

IsoNode::IsoNode(IsoFs* owner, IsoNode* parent) : parent_(parent), owner_(owner) {
  fs = owner;
  if (parent_) parent_->get();
}

IsoNode::~IsoNode() {
  free_bytes(more_);
  free_bytes(link_);
  free_bytes(index_);
  if (parent_) parent_->put();
}

long IsoNode::getattr(Attr* out) {
  *out = attr_;
  return 0;
}

long IsoNode::read_section(const Section& s, uint64_t offset, uint8_t* out, size_t n) {
  if (owner_->files_.enabled()) {
    long r = owner_->files_.read(uint64_t(s.start) * kBlockSize + offset, n, owner_->volume_blocks_, out);
    if (r != -kENOMEM) return r;
  }
  size_t done = 0;
  long err = 0;
  while (done < n) {
    uint64_t at = offset + done;
    uint64_t lba = s.start + at / kBlockSize;
    size_t off = size_t(at % kBlockSize);
    if (lba >= owner_->volume_blocks_) {
      err = -kEIO;
      break;
    }
    if (off == 0 && n - done >= kBlockSize) {
      // Whole blocks go straight to the caller's buffer.
      uint64_t count = (n - done) / kBlockSize;
      if (count > uint64_t(kDirectIoBlocks)) count = kDirectIoBlocks;
      if (count > owner_->volume_blocks_ - lba) count = owner_->volume_blocks_ - lba;
      BlockDevice* dev = owner_->cache_.device();
      if (dev->read(lba * kSectorsPerBlock, uint32_t(count * kSectorsPerBlock), out + done) < 0) {
        err = -kEIO;
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
  if (is_dir()) return -kEISDIR;
  if ((attr_.mode & kS_IFMT) != kS_IFREG) return -kEINVAL;
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

void IsoNode::release() {
  if (live_.linked()) owner_->live_dirs_.remove(this);
  delete this;
}

namespace {

// FNV-1a over the name with ASCII folded, so Joliet's relaxed matches share
// a hash with the exact one.
uint32_t name_hash(const char* s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = uint8_t(s[i]);
    if (c >= 'A' && c <= 'Z') c = uint8_t(c | 0x20);
    h = (h ^ c) * 16777619u;
  }
  return h;
}

}  // namespace

// The position of the entry named `name`. Joliet names match without
// regard to ASCII case, as Linux's check=relaxed does, an exact match first
// (then the first in directory order).
long IsoNode::find(const char* name, size_t len, uint64_t* pos) {
  if (!index_tried_ && first_.size > kIndexMinBytes) {
    index_tried_ = true;
    build_index();
  }
  return index_ ? find_indexed(name, len, pos) : find_linear(name, len, pos);
}

// Whether the entry at `at` is the one looked for: 1 for an exact match,
// 2 for a relaxed one, 0 for neither; -errno when it cannot be read.
long IsoNode::check_entry(uint64_t at, const char* name, size_t len, Entry* e, bool* exact,
                          bool* relaxed) {
  DirCursor cur(owner_, first_.start, first_.size, at);
  Record rec;
  long r = cur.next(&rec);
  if (r <= 0) return r == 0 ? -kEIO : r;
  if (long d = owner_->decode(rec, e)) return d;
  *exact = *relaxed = false;
  if (e->hidden || e->name_len != len) return 0;
  *exact = memcmp(e->name, name, len) == 0;
  *relaxed = owner_->naming_ == Naming::Joliet && equal_nocase(e->name, name, len);
  return 0;
}

// Looking up through the index: one record read per name with the hash.
long IsoNode::find_indexed(const char* name, size_t len, uint64_t* pos) {
  auto e = new Entry;
  if (!e) return -kENOMEM;
  uint32_t h = name_hash(name, len);
  bool candidate = false;
  long r = 0;
  for (uint32_t i = h & index_mask_; index_[i].pos1; i = (i + 1) & index_mask_) {
    if (index_[i].hash != h) continue;
    uint64_t at = index_[i].pos1 - 1;
    bool exact, relaxed;
    r = check_entry(at, name, len, e, &exact, &relaxed);
    if (r < 0) break;
    if (exact) {
      *pos = at;
      delete e;
      return 0;
    }
    if (relaxed && (!candidate || at < *pos)) {
      candidate = true;
      *pos = at;
    }
  }
  delete e;
  if (candidate) return 0;
  return r < 0 ? r : -kENOENT;
}

// Reads every entry once into a hash table; on any error (or a directory
// too big to index) lookups keep scanning, and report the error themselves.
void IsoNode::build_index() {
  auto e = new Entry;
  if (!e) return;
  uint32_t count = 0, cap = 64;
  IndexSlot* found = alloc_array<IndexSlot>(cap);
  DirCursor cur(owner_, first_.start, first_.size, 0);
  long r = found ? 0 : -kENOMEM;
  while (r == 0) {
    uint64_t at = cur.pos();
    Record rec;
    r = cur.next(&rec);
    if (r <= 0) break;
    r = owner_->decode(rec, e);
    if (r == 0 && (rec.flags() & kFlagMultiExtent)) r = cur.skip_sections();
    if (r < 0) break;
    if (e->hidden) continue;
    if (count == cap) {
      if (cap == kIndexMaxEntries) {
        r = -kEFBIG;
        break;
      }
      IndexSlot* grown = alloc_array<IndexSlot>(cap * 2);
      if (!grown) {
        r = -kENOMEM;
        break;
      }
      memcpy(grown, found, sizeof(IndexSlot) * cap);
      free_bytes(found);
      found = grown;
      cap *= 2;
    }
    found[count++] = IndexSlot{name_hash(e->name, e->name_len), uint32_t(at + 1)};
  }
  delete e;
  if (r < 0) {
    free_bytes(found);
    return;
  }
  uint32_t size = 16;
  while (size < count + count / 2) size *= 2;
  IndexSlot* table = alloc_array<IndexSlot>(size);
  if (table) {
    memset(table, 0, sizeof(IndexSlot) * size);
    for (uint32_t i = 0; i < count; i++) {
      uint32_t j = found[i].hash & (size - 1);
      while (table[j].pos1) j = (j + 1) & (size - 1);
      table[j] = found[i];
    }
    // Another thread may have built one meanwhile, and be reading it.
    if (index_) {
      free_bytes(table);
    } else {
      index_ = table;
      index_mask_ = size - 1;
    }
  }
  free_bytes(found);
}

// A scan that starts after the previous match and wraps around, so looking
// up the entries in readdir order (ls -l) costs one record each.
long IsoNode::find_linear(const char* name, size_t len, uint64_t* pos) {
  auto e = new Entry;
  if (!e) return -kENOMEM;
  bool relaxed = owner_->naming_ == Naming::Joliet;
  bool candidate = false;
  long err = 0;
  uint64_t hint = hint_ < first_.size ? hint_ : 0;
  for (int pass = 0; pass < 2; pass++) {
    uint64_t until = pass == 0 ? first_.size : hint;
    if (pass == 1 && hint == 0) break;
    DirCursor cur(owner_, first_.start, first_.size, pass == 0 ? hint : 0);
    while (cur.pos() < until) {
      uint64_t at = cur.pos();
      Record rec;
      long r = cur.next(&rec);
      if (r > 0) r = owner_->decode(rec, e);
      else if (r == 0) break;
      if (r == 0 && (rec.flags() & kFlagMultiExtent)) r = cur.skip_sections();
      if (r < 0) {
        err = r;  // the other pass may still find it
        break;
      }
      if (e->hidden || e->name_len != len) continue;
      if (memcmp(e->name, name, len) == 0) {
        *pos = at;
        hint_ = cur.pos();
        delete e;
        return 0;
      }
      if (relaxed && (!candidate || at < *pos) && equal_nocase(e->name, name, len)) {
        // The first in directory order, wherever the scan began.
        candidate = true;
        *pos = at;
      }
    }
  }
  delete e;
  if (candidate) return 0;
  return err ? err : -kENOENT;
}

long IsoNode::lookup(const char* name, size_t len, Node** out) {
  if (!is_dir()) return -kENOTDIR;
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
  if (!is_dir()) return -kENOTDIR;
  if (*cookie == 0) {
    if (!emit(ctx, attr_.ino, kDT_DIR, ".", 1, 1)) return 0;
    *cookie = 1;
  }
  if (*cookie == 1) {
    uint64_t up = parent_ ? parent_->attr_.ino : attr_.ino;
    if (!emit(ctx, up, kDT_DIR, "..", 2, 2)) return 0;
    *cookie = 2;
  }
  auto e = new Entry;
  if (!e) return -kENOMEM;
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
  if ((attr_.mode & kS_IFMT) != kS_IFLNK) return -kEINVAL;
  size_t n = link_len_ < cap ? link_len_ : cap;
  if (n) memcpy(buf, link_, n);
  return long(n);
}

}  // namespace kiln::fs::iso9660
