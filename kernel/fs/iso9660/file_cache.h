// File data of the read-only volume, cached in chunks of 32 blocks (64 KiB)
// that are each read from the device in one request. ISO 9660 files never
// change, so a server's second request for a file comes from memory, as
// Linux's page cache serves it; without this every read() of file data
// went to the device (nginx reads 32 KiB at a time: 32 device round trips
// per MiB, each a VM exit and an interrupt). Bounded by a byte budget,
// least recently used chunks first out; the metadata blocks stay in
// BlockCache.
//
// Device reads block the caller and other threads may use the cache
// meanwhile: nothing holds a chunk across a device read (a chunk is filled
// before it is listed, and copied out before the caller can block again).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "fs/block_device.h"
#include "lib/fallible.h"

namespace kiln::fs::iso9660 {

class FileCache {
 public:
  static constexpr uint32_t kChunkBlocks = 32;

  // `budget` bytes of chunks at most (0: no cache, every read goes to the
  // device); the device must outlive the cache.
  FileCache(BlockDevice* dev, size_t budget);
  ~FileCache();
  FileCache(const FileCache&) = delete;
  FileCache& operator=(const FileCache&) = delete;

  bool enabled() const { return max_chunks_ != 0; }
  // Copies `n` bytes of the volume from byte `pos` into `out`; `limit` is
  // the first block past the volume. Returns the bytes copied (fewer at
  // the volume's end), -EIO, or -ENOMEM when no chunk could be had (the
  // caller then reads without the cache).
  [[nodiscard]] long read(uint64_t pos, size_t n, uint32_t limit, uint8_t* out);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Chunk : Fallible {
    uint32_t index = 0;   // first block / kChunkBlocks
    uint32_t blocks = 0;  // fewer than kChunkBlocks at the volume's end
    uint8_t* data = nullptr;
    ListNode lru;
  };
  Chunk* find(uint32_t index);
  // The chunk holding `index`, read from the device if needed; nullptr when
  // memory is short (the caller then reads the device directly).
  Chunk* chunk(uint32_t index, uint32_t limit, long* err);
  void drop(Chunk* c);

  BlockDevice* dev_;
  uint32_t max_chunks_;
  uint32_t count_ = 0;
  List<Chunk, &Chunk::lru> lru_;  // least recently used first
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace kiln::fs::iso9660
