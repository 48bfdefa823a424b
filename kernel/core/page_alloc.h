// Physical page allocator: one bit per page frame, set when free.
// Portable: the caller provides the bitmap storage, so host tests drive it
// with plain numbers.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

class PageAllocator {
 public:
  // Every frame starts used; free_range() hands RAM to the allocator.
  void init(uint64_t* bitmap, uint64_t frames);
  void free_range(uint64_t first, uint64_t count);
  void reserve_range(uint64_t first, uint64_t count);

  bool alloc(uint64_t* frame);
  bool alloc_contiguous(uint64_t count, uint64_t* first);
  // False (and nothing freed) if a frame is already free: a double free.
  [[nodiscard]] bool free(uint64_t first, uint64_t count = 1);

  uint64_t free_frames() const { return free_; }
  uint64_t managed_frames() const { return managed_; }
  static constexpr size_t bitmap_words(uint64_t frames) { return (frames + 63) / 64; }

 private:
  bool is_free(uint64_t f) const { return bits_[f / 64] >> (f % 64) & 1; }
  void set_free(uint64_t f, bool v);

  uint64_t* bits_ = nullptr;
  uint64_t frames_ = 0;
  uint64_t free_ = 0;
  uint64_t managed_ = 0;
  uint64_t hint_ = 0;  // no free frame below this word
};

}  // namespace kiln
