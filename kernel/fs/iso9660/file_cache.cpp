#include "fs/iso9660/file_cache.h"

#include "fs/iso9660/format.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::fs::iso9660 {

FileCache::FileCache(BlockDevice* dev, size_t budget)
    : dev_(dev), max_chunks_(uint32_t(budget / (size_t(kChunkBlocks) * kBlockSize))) {}

FileCache::~FileCache() {
  while (Chunk* c = lru_.pop_front()) {
    free_bytes(c->data);
    delete c;
  }
}

FileCache::Chunk* FileCache::find(uint32_t index) {
  for (Chunk* c = lru_.front(); c; c = lru_.next_of(c))
    if (c->index == index) return c;
  return nullptr;
}

void FileCache::drop(Chunk* c) {
  lru_.remove(c);
  count_--;
  free_bytes(c->data);
  delete c;
}

FileCache::Chunk* FileCache::chunk(uint32_t index, uint32_t limit, long* err) {
  if (Chunk* c = find(index)) {
    hits_++;
    lru_.remove(c);
    lru_.push_back(c);
    return c;
  }
  misses_++;
  uint32_t first = index * kChunkBlocks;
  uint32_t blocks = limit - first < kChunkBlocks ? limit - first : kChunkBlocks;
  auto c = new Chunk;
  uint8_t* data = c ? alloc_array<uint8_t>(size_t(blocks) * kBlockSize) : nullptr;
  if (!data) {
    delete c;
    return nullptr;
  }
  c->index = index;
  c->blocks = blocks;
  c->data = data;
  // Filled before it is listed: nobody sees a chunk being read.
  if (dev_->read(uint64_t(first) * kSectorsPerBlock, blocks * kSectorsPerBlock, data) < 0) {
    free_bytes(data);
    delete c;
    *err = -kEIO;
    return nullptr;
  }
  // Another thread may have read the same chunk meanwhile: keep one.
  if (Chunk* other = find(index)) {
    free_bytes(data);
    delete c;
    return other;
  }
  while (count_ >= max_chunks_ && lru_.front()) drop(lru_.front());
  lru_.push_back(c);
  count_++;
  return c;
}

long FileCache::read(uint64_t pos, size_t n, uint32_t limit, uint8_t* out) {
  constexpr uint64_t kChunkBytes = uint64_t(kChunkBlocks) * kBlockSize;
  uint64_t end = uint64_t(limit) * kBlockSize;
  size_t done = 0;
  while (done < n && pos < end) {
    long err = 0;
    Chunk* c = chunk(uint32_t(pos / kChunkBytes), limit, &err);
    if (!c) {
      if (done) break;
      return err ? err : -kENOMEM;
    }
    uint64_t at = pos % kChunkBytes, have = uint64_t(c->blocks) * kBlockSize;
    size_t take = have - at < n - done ? size_t(have - at) : n - done;
    memcpy(out + done, c->data + at, take);
    done += take;
    pos += take;
  }
  return done || n == 0 ? long(done) : -kEIO;
}

}  // namespace kiln::fs::iso9660
