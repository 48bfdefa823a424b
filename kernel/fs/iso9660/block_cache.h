// A small LRU cache of 2048-byte volume blocks for the read-only ISO 9660
// file system. Blocks are pinned while a caller looks at them; a device
// read blocks the calling thread, so other threads may run the cache in the
// meantime: a block being read is invisible to them (they read their own
// copy), and pinned blocks are never reused. When every slot is pinned a
// temporary one is allocated and freed on release, so get() never waits.
//
// Not fs/block_cache.h, ext2's write-back cache, on purpose: that one is
// run under its volume's lock (every call serialized) and writes back; this
// one has no lock and no dirty state, since ISO 9660 serves concurrent
// readers of a read-only volume without one (nginx workers reading files).
// Sharing one would mean a lock around every ISO read or concurrent
// readers in the write-back cache.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "lib/fallible.h"
#include "fs/block_device.h"

namespace kiln::fs::iso9660 {

class BlockCache;

struct CacheSlot : Fallible {
  uint8_t* data = nullptr;  // kBlockSize bytes
  uint32_t lba = 0;
  uint32_t pins = 0;
  bool valid = false;      // holds block `lba`
  bool temporary = false;  // not in the cache: freed on release
  ListNode lru;            // cached slots, least recently used first
};

// A pinned block: data() stays valid until the reference is released or
// reassigned. Move-only.
class BlockRef {
 public:
  BlockRef() = default;
  BlockRef(const BlockRef&) = delete;
  BlockRef& operator=(const BlockRef&) = delete;
  BlockRef(BlockRef&& o) : cache_(o.cache_), slot_(o.slot_) { o.slot_ = nullptr; }
  BlockRef& operator=(BlockRef&& o);
  ~BlockRef() { release(); }

  const uint8_t* data() const { return slot_->data; }
  uint32_t lba() const { return slot_->lba; }
  bool held() const { return slot_ != nullptr; }
  void release();

 private:
  friend class BlockCache;
  BlockCache* cache_ = nullptr;
  CacheSlot* slot_ = nullptr;
};

class BlockCache {
 public:
  // `capacity` blocks at most stay cached; the device must outlive the cache.
  BlockCache(BlockDevice* dev, uint32_t capacity) : dev_(dev), capacity_(capacity) {}
  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // Pins block `lba` (2048-byte units) into *out: 0, -EIO or -ENOMEM.
  // The caller checks `lba` against the volume size first.
  [[nodiscard]] long get(uint32_t lba, BlockRef* out);

  BlockDevice* device() const { return dev_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  friend class BlockRef;
  void unpin(CacheSlot* s);
  CacheSlot* victim();

  BlockDevice* dev_;
  uint32_t capacity_;
  uint32_t count_ = 0;  // slots allocated into the LRU list
  List<CacheSlot, &CacheSlot::lru> lru_;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace kiln::fs::iso9660
