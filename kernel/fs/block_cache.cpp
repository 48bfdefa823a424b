#include "fs/block_cache.h"

#include "lib/fallible.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs {
namespace {

constexpr uint32_t kRunBytes = 64 * 1024;  // largest write-back request
constexpr size_t kMinBlocks = 16;

struct Slot : CacheBlock, Fallible {};

// Heapsort of blocks by number: no recursion, no allocation.
void sift(CacheBlock** a, size_t start, size_t end) {
  size_t root = start;
  while (2 * root + 1 < end) {
    size_t child = 2 * root + 1;
    if (child + 1 < end && a[child]->block < a[child + 1]->block) child++;
    if (a[root]->block >= a[child]->block) return;
    CacheBlock* t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

void sort_blocks(CacheBlock** a, size_t n) {
  if (n < 2) return;
  for (size_t i = n / 2; i-- > 0;) sift(a, i, n);
  for (size_t end = n - 1; end > 0; end--) {
    CacheBlock* t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift(a, 0, end);
  }
}

size_t hash_of(uint64_t block) { return size_t(block * 0x9E3779B97F4A7C15ull >> 20); }

}  // namespace

BlockRef& BlockRef::operator=(BlockRef&& o) {
  if (this != &o) {
    release();
    cache_ = o.cache_;
    slot_ = o.slot_;
    o.slot_ = nullptr;
  }
  return *this;
}

void BlockRef::mark_dirty() {
  slot_->checked = false;
  cache_->set_dirty(slot_);
}

void BlockRef::release() {
  if (slot_) cache_->unpin(slot_);
  slot_ = nullptr;
}

BlockCache::BlockCache(BlockDevice* dev, uint32_t block_size, size_t max_bytes)
    : dev_(dev), block_size_(block_size), sectors_per_block_(block_size / BlockDevice::kSectorSize) {
  if (sectors_per_block_ == 0) sectors_per_block_ = 1;
  device_blocks_ = dev->sectors() / sectors_per_block_;
  capacity_ = max_bytes / block_size;
  if (capacity_ < kMinBlocks) capacity_ = kMinBlocks;
}

BlockCache::~BlockCache() {
  while (CacheBlock* b = lru_.pop_front()) {
    free_bytes(b->data);
    delete static_cast<Slot*>(b);
  }
  free_bytes(buckets_);
  free_bytes(sweep_);
  free_bytes(run_buf_);
}

long BlockCache::init() {
  size_t buckets = 64;
  while (buckets < capacity_) buckets *= 2;
  buckets_ = static_cast<CacheBlock**>(fallible_alloc(buckets * sizeof(CacheBlock*)));
  sweep_cap_ = capacity_ + kMinBlocks;
  sweep_ = static_cast<CacheBlock**>(fallible_alloc(sweep_cap_ * sizeof(CacheBlock*)));
  run_blocks_ = block_size_ >= kRunBytes ? 1 : kRunBytes / block_size_;
  run_buf_ = alloc_bytes(size_t(run_blocks_) * block_size_);
  if (!buckets_ || !sweep_ || !run_buf_) return -kENOMEM;
  for (size_t i = 0; i < buckets; i++) buckets_[i] = nullptr;
  bucket_mask_ = buckets - 1;
  return 0;
}

CacheBlock* BlockCache::lookup(uint64_t block) const {
  for (CacheBlock* b = buckets_[hash_of(block) & bucket_mask_]; b; b = b->hash_next)
    if (b->block == block) return b;
  return nullptr;
}

void BlockCache::hash_insert(CacheBlock* b) {
  CacheBlock** head = &buckets_[hash_of(b->block) & bucket_mask_];
  b->hash_next = *head;
  *head = b;
  b->valid = true;
  b->checked = false;
}

void BlockCache::hash_remove(CacheBlock* b) {
  if (!b->valid) return;
  for (CacheBlock** p = &buckets_[hash_of(b->block) & bucket_mask_]; *p; p = &(*p)->hash_next) {
    if (*p == b) {
      *p = b->hash_next;
      break;
    }
  }
  b->hash_next = nullptr;
  b->valid = false;
}

void BlockCache::set_dirty(CacheBlock* b) {
  if (!b->dirty) dirty_++;
  b->dirty = true;
}

void BlockCache::clear_dirty(CacheBlock* b) {
  if (b->dirty) dirty_--;
  b->dirty = false;
}

bool BlockCache::cached(uint64_t block) const { return lookup(block) != nullptr; }

void BlockCache::unpin(CacheBlock* b) {
  if (--b->pins) return;
  // Shrink back under the bound once the overflow is no longer pinned.
  if (count_ > capacity_ && !b->dirty) {
    hash_remove(b);
    lru_.remove(b);
    count_--;
    free_bytes(b->data);
    delete static_cast<Slot*>(b);
  }
}

// A slot to hold `block`, out of the hash table: new while under the bound,
// else the least recently used unpinned one (written back first when dirty),
// else new past the bound.
long BlockCache::slot_for(uint64_t block, CacheBlock** out) {
  (void)block;
  if (count_ < capacity_) {
    auto s = new Slot;
    if (s) {
      s->data = alloc_bytes(block_size_);
      if (s->data) {
        lru_.push_back(s);
        count_++;
        *out = s;
        return 0;
      }
      delete s;
    }
  }
  for (int attempt = 0; attempt < 2; attempt++) {
    CacheBlock* victim = nullptr;
    for (CacheBlock* b = lru_.front(); b; b = lru_.next_of(b)) {
      if (b->pins == 0) {
        victim = b;
        break;
      }
    }
    if (!victim) break;
    if (victim->dirty) {
      if (long r = write_sweep(false)) return r;
      if (victim->dirty) return -kEIO;
    }
    hash_remove(victim);
    lru_.remove(victim);
    lru_.push_back(victim);
    *out = victim;
    return 0;
  }
  // Everything is pinned: grow past the bound.
  auto s = new Slot;
  if (!s) return -kENOMEM;
  s->data = alloc_bytes(block_size_);
  if (!s->data) {
    delete s;
    return -kENOMEM;
  }
  lru_.push_back(s);
  count_++;
  *out = s;
  return 0;
}

long BlockCache::get(uint64_t block, BlockRef* out) {
  out->release();
  if (block >= device_blocks_) return -kEIO;
  if (CacheBlock* b = lookup(block)) {
    hits_++;
    lru_.remove(b);
    lru_.push_back(b);
    b->pins++;
    out->cache_ = this;
    out->slot_ = b;
    return 0;
  }
  misses_++;
  CacheBlock* b;
  if (long r = slot_for(block, &b)) return r;
  b->pins = 1;
  long r = dev_->read(block * sectors_per_block_, sectors_per_block_, b->data);
  if (r < 0) {
    b->pins = 0;
    return -kEIO;
  }
  b->block = block;
  b->dirty = false;
  hash_insert(b);
  out->cache_ = this;
  out->slot_ = b;
  return 0;
}

long BlockCache::get_new(uint64_t block, BlockRef* out) {
  out->release();
  if (block >= device_blocks_) return -kEIO;
  CacheBlock* b = lookup(block);
  if (b) {
    lru_.remove(b);
    lru_.push_back(b);
  } else {
    if (long r = slot_for(block, &b)) return r;
    b->block = block;
    b->dirty = false;
    hash_insert(b);
  }
  b->pins++;
  memset(b->data, 0, block_size_);
  set_dirty(b);
  out->cache_ = this;
  out->slot_ = b;
  return 0;
}

void BlockCache::discard(uint64_t block) {
  CacheBlock* b = lookup(block);
  if (!b) return;
  clear_dirty(b);
  if (b->pins) return;
  hash_remove(b);
  // Reused first.
  lru_.remove(b);
  lru_.push_front(b);
}

long BlockCache::read_direct(uint64_t block, uint32_t count, void* buf) {
  if (block >= device_blocks_ || count > device_blocks_ - block) return -kEIO;
  uint64_t sectors = uint64_t(count) * sectors_per_block_;
  if (sectors > 0xffffffffu) return -kEIO;
  misses_ += count;
  return dev_->read(block * sectors_per_block_, uint32_t(sectors), buf) < 0 ? -kEIO : 0;
}

long BlockCache::write_run(CacheBlock** run, size_t n) {
  const void* src = run[0]->data;
  if (n > 1) {
    for (size_t i = 0; i < n; i++) memcpy(run_buf_ + i * block_size_, run[i]->data, block_size_);
    src = run_buf_;
  }
  writes_++;
  long r = dev_->write(run[0]->block * sectors_per_block_, uint32_t(n * sectors_per_block_), src);
  if (r < 0) return r == -kEROFS ? -kEROFS : -kEIO;
  for (size_t i = 0; i < n; i++) clear_dirty(run[i]);
  return 0;
}

// Writes the dirty blocks (unpinned ones only, unless `pinned_too`) in
// ascending order, neighbours joined, in batches of the sweep array's size.
// A block that fails stays dirty; the sweep ends when a batch cleans none.
long BlockCache::write_sweep(bool pinned_too) {
  long first = 0;
  for (;;) {
    size_t n = 0;
    for (CacheBlock* b = lru_.front(); b && n < sweep_cap_; b = lru_.next_of(b))
      if (b->valid && b->dirty && (pinned_too || b->pins == 0)) sweep_[n++] = b;
    if (n == 0) break;
    sort_blocks(sweep_, n);
    size_t before = dirty_;
    size_t i = 0;
    while (i < n) {
      size_t j = i + 1;
      while (j < n && j - i < run_blocks_ && sweep_[j]->block == sweep_[j - 1]->block + 1) j++;
      long r = write_run(sweep_ + i, j - i);
      if (r < 0 && !first) first = r;
      i = j;
    }
    if (dirty_ == before || first) break;
  }
  return first;
}

long BlockCache::write_back() { return dirty_ ? write_sweep(true) : 0; }

long BlockCache::sync() {
  long r = write_back();
  long f = dev_->flush();
  if (r < 0) return r;
  return f < 0 ? -kEIO : 0;
}

}  // namespace kiln::fs
