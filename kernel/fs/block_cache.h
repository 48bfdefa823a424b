// A write-back cache of fixed-size file-system blocks over a BlockDevice,
// shared by the writable file systems (ext2). Portable.
//
// Blocks are pinned while a caller looks at them (BlockRef). A changed block
// is marked dirty and stays in memory until sync() or eviction writes it
// back: sync() writes every dirty block in ascending order, joining runs of
// neighbours into one device request, then flushes the device. Eviction
// takes the least recently used unpinned block; when that one is dirty, all
// dirty unpinned blocks are written back first (the same sorted, joined
// sweep), so a long sequential write leaves in large requests.
//
// Memory: at most `max_bytes` of block data stays cached. Pins are short
// (within one file-system operation), so when every slot is pinned the cache
// grows past the bound for a moment and shrinks back on later evictions.
//
// Threads: the cache is not locked. Its owner serializes every call (ext2
// runs each operation under one lock); device transfers block the caller.
// ISO 9660's read-only volumes have a cache of their own, which readers use
// concurrently without a lock (fs/iso9660/block_cache.h says why).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "fs/block_device.h"

namespace kiln::fs {

class BlockCache;

struct CacheBlock {
  uint8_t* data = nullptr;  // block_size bytes
  uint64_t block = 0;
  uint32_t pins = 0;
  bool valid = false;  // holds `block`, in the hash table
  bool dirty = false;
  bool checked = false;  // its owner's structure check passed since it was loaded or changed
  ListNode lru;  // least recently used first
  CacheBlock* hash_next = nullptr;
};

// A pinned block; data() stays valid until the reference is released or
// reassigned. Move-only.
class BlockRef {
 public:
  BlockRef() = default;
  BlockRef(const BlockRef&) = delete;
  BlockRef& operator=(const BlockRef&) = delete;
  BlockRef(BlockRef&& o) : cache_(o.cache_), slot_(o.slot_) { o.slot_ = nullptr; }
  BlockRef& operator=(BlockRef&& o);
  ~BlockRef() { release(); }

  uint8_t* data() const { return slot_->data; }
  uint64_t block() const { return slot_->block; }
  bool held() const { return slot_ != nullptr; }
  // The caller changed data(): write it back at the next sync or eviction.
  void mark_dirty();
  // Whether the owner checked the block's structure (ext2: a directory
  // block's record chain) since it was read or last changed, so that a hot
  // block is walked once rather than on every lookup.
  bool checked() const { return slot_->checked; }
  void set_checked() { slot_->checked = true; }
  void release();

 private:
  friend class BlockCache;
  BlockCache* cache_ = nullptr;
  CacheBlock* slot_ = nullptr;
};

class BlockCache {
 public:
  // `block_size`: a power of two, 512 to 65536. The device must outlive
  // the cache. Call init() before anything else.
  BlockCache(BlockDevice* dev, uint32_t block_size, size_t max_bytes);
  ~BlockCache();  // drops everything, dirty blocks included: sync() first
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // Allocates the hash table and the write-back buffer: 0 or -ENOMEM.
  [[nodiscard]] long init();

  // Pins block `block` with its contents from the device (or the cache):
  // 0, -EIO (device error, or a block past the device's end) or -ENOMEM.
  [[nodiscard]] long get(uint64_t block, BlockRef* out);
  // Pins block `block` for the caller to overwrite whole: no device read;
  // the contents are zeroed and the block is dirty.
  [[nodiscard]] long get_new(uint64_t block, BlockRef* out);
  // Whether `block` is cached (then reads must come from the cache: it may
  // be newer than the device).
  bool cached(uint64_t block) const;
  // Forgets a cached copy of `block` (a block just freed), dirty or not.
  // Pinned blocks stay, but are no longer written back unless dirtied again.
  void discard(uint64_t block);
  // Reads `count` blocks straight from the device into `buf`, bypassing
  // the cache; the caller has checked that none of them is cached.
  [[nodiscard]] long read_direct(uint64_t block, uint32_t count, void* buf);

  // Writes every dirty block back: 0 or the first error (blocks that could
  // not be written stay dirty).
  [[nodiscard]] long write_back();
  // write_back(), then the device's flush.
  [[nodiscard]] long sync();

  uint32_t block_size() const { return block_size_; }
  uint64_t device_blocks() const { return device_blocks_; }
  BlockDevice* device() const { return dev_; }
  size_t dirty_count() const { return dirty_; }
  size_t cached_count() const { return count_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t device_writes() const { return writes_; }  // write requests issued

 private:
  friend class BlockRef;
  void unpin(CacheBlock* b);
  CacheBlock* lookup(uint64_t block) const;
  void hash_insert(CacheBlock* b);
  void hash_remove(CacheBlock* b);
  [[nodiscard]] long slot_for(uint64_t block, CacheBlock** out);
  [[nodiscard]] long write_sweep(bool pinned_too);
  [[nodiscard]] long write_run(CacheBlock** run, size_t n);
  void set_dirty(CacheBlock* b);
  void clear_dirty(CacheBlock* b);

  BlockDevice* dev_;
  uint32_t block_size_;
  uint32_t sectors_per_block_;
  uint64_t device_blocks_;
  size_t capacity_;  // blocks
  size_t count_ = 0;
  size_t dirty_ = 0;
  List<CacheBlock, &CacheBlock::lru> lru_;
  CacheBlock** buckets_ = nullptr;
  size_t bucket_mask_ = 0;
  CacheBlock** sweep_ = nullptr;  // capacity_ + spare entries, for sorting dirty blocks
  size_t sweep_cap_ = 0;
  uint8_t* run_buf_ = nullptr;    // joins neighbouring dirty blocks into one write
  uint32_t run_blocks_ = 0;
  uint64_t hits_ = 0, misses_ = 0, writes_ = 0;
};

}  // namespace kiln::fs
