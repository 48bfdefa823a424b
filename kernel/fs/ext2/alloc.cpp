// Block and inode bitmaps, with the free counts of the group descriptors
// and the superblock kept in step.
#include "fs/ext2/ext2_fs.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs::ext2 {

// The first clear bit in [from, limit) of a bitmap block: 1 and *out, or 0.
long Ext2Fs::find_bit(BlockRef& bitmap, uint32_t from, uint32_t limit, uint32_t* out) {
  const uint8_t* p = bitmap.data();
  if (limit > bs_ * 8) limit = bs_ * 8;
  uint32_t i = from;
  while (i < limit) {
    if ((i & 63) == 0 && i + 64 <= limit) {
      uint64_t w;
      memcpy(&w, p + (i >> 3), 8);
      if (w == ~0ull) {
        i += 64;
        continue;
      }
    }
    if (!(p[i >> 3] & (1u << (i & 7)))) {
      *out = i;
      return 1;
    }
    i++;
  }
  return 0;
}

long Ext2Fs::alloc_block(uint32_t goal, uint32_t* out) {
  if (ro_) return -kEROFS;
  if (free_blocks_ == 0) return -kENOSPC;
  if (!block_ok(goal)) goal = first_data_block_;
  uint32_t g0 = (goal - first_data_block_) / bpg_;
  uint32_t bit0 = (goal - first_data_block_) % bpg_;
  if (g0 >= groups_) g0 = 0, bit0 = 0;
  // The goal's group from the goal on, every other group, then the goal's
  // group below the goal.
  for (uint32_t k = 0; k <= groups_; k++) {
    uint32_t g = (g0 + k) % groups_;
    uint32_t from = k == 0 ? bit0 : 0, limit = blocks_in_group(g);
    if (k == groups_) {
      if (bit0 == 0) break;
      g = g0, from = 0, limit = bit0;
    }
    if (gd_[g].free_blocks_count == 0 || from >= limit) continue;
    BlockRef bm;
    if (long r = cache_->get(gd_[g].block_bitmap, &bm)) return r;
    uint32_t bit;
    if (!find_bit(bm, from, limit, &bit)) continue;
    uint32_t block = group_first_block(g) + bit;
    if (group_metadata(g, block)) return corrupt();  // the bitmap calls metadata free
    bm.data()[bit >> 3] |= uint8_t(1u << (bit & 7));
    bm.mark_dirty();
    gd_[g].free_blocks_count--;
    free_blocks_--;
    *out = block;
    return 0;
  }
  return -kENOSPC;
}

long Ext2Fs::free_block(uint32_t block) {
  if (ro_) return -kEROFS;
  if (!block_ok(block)) return corrupt();
  uint32_t g = (block - first_data_block_) / bpg_;
  uint32_t bit = (block - first_data_block_) % bpg_;
  if (g >= groups_ || group_metadata(g, block)) return corrupt();
  BlockRef bm;
  if (long r = cache_->get(gd_[g].block_bitmap, &bm)) return r;
  uint8_t mask = uint8_t(1u << (bit & 7));
  if (!(bm.data()[bit >> 3] & mask)) return corrupt();  // freed twice: a shared or cyclic pointer
  bm.data()[bit >> 3] &= uint8_t(~mask);
  bm.mark_dirty();
  if (gd_[g].free_blocks_count < blocks_in_group(g)) {
    gd_[g].free_blocks_count++;
    free_blocks_++;
  }
  cache_->discard(block);
  return 0;
}

long Ext2Fs::alloc_inode(uint32_t near_ino, bool dir, uint32_t* out) {
  if (ro_) return -kEROFS;
  if (free_inodes_ == 0) return -kENOSPC;
  uint32_t start = inode_ok(near_ino) ? group_of_ino(near_ino) : 0;
  if (dir) {
    // Spread directories: a group with at least the average of free inodes
    // and the most free blocks (the old ext2 find_group_dir).
    uint64_t avg = free_inodes_ / groups_;
    uint32_t best = groups_;
    for (uint32_t k = 0; k < groups_; k++) {
      uint32_t g = (dir_rotor_ + k) % groups_;
      const GroupDesc& d = gd_[g];
      if (d.free_inodes_count == 0 || d.free_inodes_count < avg) continue;
      if (best == groups_ || d.free_blocks_count > gd_[best].free_blocks_count) best = g;
    }
    if (best != groups_) start = best;
    dir_rotor_ = (start + 1) % groups_;
  }
  for (uint32_t k = 0; k < groups_; k++) {
    uint32_t g = (start + k) % groups_;
    if (gd_[g].free_inodes_count == 0) continue;
    // Inodes below first_ino are reserved.
    uint64_t first_index = uint64_t(g) * ipg_;
    uint32_t from = first_ino_ - 1 > first_index ? uint32_t(first_ino_ - 1 - first_index) : 0;
    if (from >= ipg_) continue;
    BlockRef bm;
    if (long r = cache_->get(gd_[g].inode_bitmap, &bm)) return r;
    uint32_t bit;
    if (!find_bit(bm, from, ipg_, &bit)) continue;
    bm.data()[bit >> 3] |= uint8_t(1u << (bit & 7));
    bm.mark_dirty();
    gd_[g].free_inodes_count--;
    free_inodes_--;
    if (dir) gd_[g].used_dirs_count++;
    *out = g * ipg_ + bit + 1;
    return 0;
  }
  return -kENOSPC;
}

long Ext2Fs::free_inode(uint32_t ino, bool dir) {
  if (ro_) return -kEROFS;
  if (!inode_ok(ino) || ino < first_ino_) return corrupt();
  uint32_t g = (ino - 1) / ipg_, bit = (ino - 1) % ipg_;
  BlockRef bm;
  if (long r = cache_->get(gd_[g].inode_bitmap, &bm)) return r;
  uint8_t mask = uint8_t(1u << (bit & 7));
  if (!(bm.data()[bit >> 3] & mask)) return corrupt();
  bm.data()[bit >> 3] &= uint8_t(~mask);
  bm.mark_dirty();
  if (gd_[g].free_inodes_count < ipg_) {
    gd_[g].free_inodes_count++;
    free_inodes_++;
  }
  if (dir && gd_[g].used_dirs_count) gd_[g].used_dirs_count--;
  return 0;
}

}  // namespace kiln::fs::ext2
