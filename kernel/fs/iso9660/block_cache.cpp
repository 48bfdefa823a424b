#include "fs/iso9660/block_cache.h"

#include "fs/iso9660/format.h"
#include "abi/linux/errno.h"

namespace kiln::fs::iso9660 {

BlockRef& BlockRef::operator=(BlockRef&& o) {
  if (this != &o) {
    release();
    cache_ = o.cache_;
    slot_ = o.slot_;
    o.slot_ = nullptr;
  }
  return *this;
}

void BlockRef::release() {
  if (slot_) cache_->unpin(slot_);
  slot_ = nullptr;
}

BlockCache::~BlockCache() {
  while (CacheSlot* s = lru_.pop_front()) {
    free_bytes(s->data);
    delete s;
  }
}

void BlockCache::unpin(CacheSlot* s) {
  if (--s->pins) return;
  if (s->temporary) {
    free_bytes(s->data);
    delete s;
  }
}

// The least recently used unpinned slot, a new one while under capacity,
// or a temporary one; nullptr when out of memory.
CacheSlot* BlockCache::victim() {
  for (CacheSlot* s = lru_.front(); s; s = lru_.next_of(s)) {
    if (s->pins == 0) {
      lru_.remove(s);
      lru_.push_back(s);
      return s;
    }
  }
  auto s = new CacheSlot;
  if (!s) return nullptr;
  s->data = alloc_array<uint8_t>(kBlockSize);
  if (!s->data) {
    delete s;
    return nullptr;
  }
  if (count_ < capacity_) {
    count_++;
    lru_.push_back(s);
  } else {
    s->temporary = true;
  }
  return s;
}

long BlockCache::get(uint32_t lba, BlockRef* out) {
  out->release();
  for (CacheSlot* s = lru_.front(); s; s = lru_.next_of(s)) {
    if (s->valid && s->lba == lba) {
      hits_++;
      lru_.remove(s);
      lru_.push_back(s);
      s->pins++;
      out->cache_ = this;
      out->slot_ = s;
      return 0;
    }
  }
  misses_++;
  CacheSlot* s = victim();
  if (!s) return -kENOMEM;
  s->valid = false;  // invisible to other threads while the device reads
  s->lba = lba;
  s->pins = 1;
  long r = dev_->read(uint64_t(lba) * kSectorsPerBlock, kSectorsPerBlock, s->data);
  if (r < 0) {
    unpin(s);
    return -kEIO;
  }
  s->valid = true;
  out->cache_ = this;
  out->slot_ = s;
  return 0;
}

}  // namespace kiln::fs::iso9660
