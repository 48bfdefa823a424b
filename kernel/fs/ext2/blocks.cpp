// Block maps: 12 direct pointers, then single, double and triple indirect
// blocks. The map is a tree of fixed depth, so walks end; every pointer is
// checked against the volume before it is followed.
#include "fs/ext2/ext2_fs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs::ext2 {
namespace {

uint32_t load32(const uint8_t* p, uint32_t index) {
  uint32_t v;
  memcpy(&v, p + size_t(index) * 4, 4);
  return v;
}

void store32(uint8_t* p, uint32_t index, uint32_t v) { memcpy(p + size_t(index) * 4, &v, 4); }

void sub_blocks(Inode& in, uint32_t n) { in.blocks = in.blocks > n ? in.blocks - n : 0; }

}  // namespace

// A new block for `n` (data or map), zeroed in the cache.
static long alloc_for(Ext2Fs* fs, Ext2Node* n, uint32_t* out) {
  uint32_t goal = n->goal;
  if (!goal) goal = fs->group_first_block(fs->group_of_ino(n->number));
  uint32_t b;
  if (long r = fs->alloc_block(goal, &b)) return r;
  BlockRef ref;
  if (long r = fs->cache()->get_new(b, &ref)) {
    fs->note_error(fs->free_block(b));
    return r;
  }
  n->in.blocks += fs->sectors_per_block();
  n->goal = b + 1;
  *out = b;
  return 0;
}

long Ext2Fs::bmap(Ext2Node* n, uint64_t lblock, bool create, uint32_t* out) {
  uint64_t ppb = ppb_;
  uint32_t offs[4];
  int depth;
  uint64_t l = lblock;
  if (l < kDirectBlocks) {
    offs[0] = uint32_t(l), depth = 0;
  } else if ((l -= kDirectBlocks) < ppb) {
    offs[0] = kIndBlock, offs[1] = uint32_t(l), depth = 1;
  } else if ((l -= ppb) < ppb * ppb) {
    offs[0] = kDindBlock, offs[1] = uint32_t(l / ppb), offs[2] = uint32_t(l % ppb), depth = 2;
  } else if ((l -= ppb * ppb) < ppb * ppb * ppb) {
    offs[0] = kTindBlock, offs[1] = uint32_t(l / (ppb * ppb)), offs[2] = uint32_t(l / ppb % ppb);
    offs[3] = uint32_t(l % ppb), depth = 3;
  } else {
    if (create) return -kEFBIG;
    *out = 0;
    return 0;
  }
  uint32_t p = n->in.block[offs[0]];
  if (p == 0) {
    if (!create) {
      *out = 0;
      return 0;
    }
    if (long r = alloc_for(this, n, &p)) return r;
    n->in.block[offs[0]] = p;
    if (long r = store_inode(n)) return r;
  } else if (!block_ok(p)) {
    return corrupt();
  }
  for (int level = 1; level <= depth; level++) {
    BlockRef ref;
    if (long r = cache_->get(p, &ref)) return r;
    uint32_t q = load32(ref.data(), offs[level]);
    if (q == 0) {
      if (!create) {
        *out = 0;
        return 0;
      }
      if (long r = alloc_for(this, n, &q)) return r;
      store32(ref.data(), offs[level], q);
      ref.mark_dirty();
      if (long r = store_inode(n)) return r;
    } else if (!block_ok(q)) {
      return corrupt();
    }
    p = q;
  }
  *out = p;
  return 0;
}

namespace {

struct Truncator {
  Ext2Fs* fs;
  Ext2Node* n;
  uint64_t first;  // the first logical block to free
  long error = 0;

  void note(long r) {
    if (r < 0 && !error) error = r;
  }

  void free_one(uint32_t b) {
    long r = fs->free_block(b);
    note(r);
    if (r == 0) sub_blocks(n->in, fs->sectors_per_block());
  }

  // Frees what the map block `p` (depth 1: pointers to data) holds from
  // `first` on; *empty tells whether nothing is left in it.
  void tree(uint32_t p, int depth, uint64_t base, bool* empty) {
    *empty = false;
    if (!fs->block_ok(p)) {
      note(fs->corrupt());
      *empty = true;  // drop the pointer; there is nothing to free
      return;
    }
    BlockRef ref;
    if (long r = fs->cache()->get(p, &ref)) {
      note(r);
      return;
    }
    uint32_t ppb = fs->block_size() / 4;
    uint64_t child_span = 1;
    for (int d = 1; d < depth; d++) child_span *= ppb;
    bool left = false;
    for (uint32_t i = 0; i < ppb; i++) {
      uint64_t child_base = base + i * child_span;
      uint32_t q = load32(ref.data(), i);
      if (q == 0) continue;
      if (child_base + child_span <= first) {
        left = true;
        continue;
      }
      if (depth == 1) {
        if (fs->block_ok(q)) free_one(q);
        else note(fs->corrupt());
      } else {
        bool child_empty;
        tree(q, depth - 1, child_base, &child_empty);
        if (!child_empty) {
          left = true;
          continue;
        }
        if (fs->block_ok(q)) free_one(q);
      }
      store32(ref.data(), i, 0);
      ref.mark_dirty();
    }
    *empty = !left;
  }
};

}  // namespace

long Ext2Fs::truncate_blocks(Ext2Node* n, uint64_t new_size) {
  if (ro_) return -kEROFS;
  Truncator t{this, n, (new_size + bs_ - 1) / bs_};
  for (uint64_t i = t.first; i < kDirectBlocks; i++) {
    uint32_t b = n->in.block[i];
    if (!b) continue;
    if (block_ok(b)) t.free_one(b);
    else t.note(corrupt());
    n->in.block[i] = 0;
  }
  uint64_t base = kDirectBlocks, span = ppb_;
  for (int depth = 1; depth <= 3; depth++) {
    uint32_t& root = n->in.block[kIndBlock + depth - 1];
    if (root && t.first < base + span) {
      bool empty;
      t.tree(root, depth, base, &empty);
      if (empty) {
        if (block_ok(root)) t.free_one(root);
        root = 0;
      }
    }
    base += span;
    span *= ppb_;
  }
  n->goal = 0;
  t.note(store_inode(n));
  return t.error;
}

long Ext2Fs::release_xattr(Ext2Node* n) {
  uint32_t b = n->in.file_acl;
  if (!b) return 0;
  n->in.file_acl = 0;
  if (!block_ok(b)) return corrupt();
  sub_blocks(n->in, sectors_per_block());
  BlockRef ref;
  if (long r = cache_->get(b, &ref)) return r;
  uint32_t magic = load32(ref.data(), 0), refs = load32(ref.data(), 1);
  if (magic == kXattrMagic && refs > 1) {
    store32(ref.data(), 1, refs - 1);
    ref.mark_dirty();
    return 0;
  }
  ref.release();
  return free_block(b);
}

}  // namespace kiln::fs::ext2
