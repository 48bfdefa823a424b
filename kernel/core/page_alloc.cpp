#include "core/page_alloc.h"

#include "lib/mem.h"

namespace kiln {

void PageAllocator::init(uint64_t* bitmap, uint64_t frames) {
  bits_ = bitmap;
  frames_ = frames;
  free_ = managed_ = hint_ = 0;
  memset(bits_, 0, bitmap_words(frames) * sizeof(uint64_t));
}

void PageAllocator::set_free(uint64_t f, bool v) {
  uint64_t mask = 1ull << (f % 64);
  if (v)
    bits_[f / 64] |= mask;
  else
    bits_[f / 64] &= ~mask;
}

void PageAllocator::free_range(uint64_t first, uint64_t count) {
  for (uint64_t f = first; f < first + count && f < frames_; f++) {
    if (!is_free(f)) {
      set_free(f, true);
      free_++;
      managed_++;
    }
  }
  hint_ = 0;
}

void PageAllocator::reserve_range(uint64_t first, uint64_t count) {
  for (uint64_t f = first; f < first + count && f < frames_; f++) {
    if (is_free(f)) {
      set_free(f, false);
      free_--;
      managed_--;
    }
  }
}

bool PageAllocator::alloc(uint64_t* frame) {
  size_t words = bitmap_words(frames_);
  for (size_t w = hint_; w < words; w++) {
    if (!bits_[w]) continue;
    uint64_t f = w * 64 + __builtin_ctzll(bits_[w]);
    set_free(f, false);
    free_--;
    hint_ = w;
    *frame = f;
    return true;
  }
  hint_ = words;
  return false;
}

bool PageAllocator::alloc_contiguous(uint64_t count, uint64_t* first) {
  if (count == 0) return false;
  if (count == 1) return alloc(first);
  uint64_t run = 0;
  for (uint64_t f = hint_ * 64; f < frames_; f++) {
    if (!is_free(f)) {
      run = 0;
      // Skip whole used words quickly.
      if (f % 64 == 0 && bits_[f / 64] == 0) f += 63;
      continue;
    }
    if (++run == count) {
      uint64_t start = f + 1 - count;
      for (uint64_t g = start; g <= f; g++) set_free(g, false);
      free_ -= count;
      *first = start;
      return true;
    }
  }
  return false;
}

bool PageAllocator::free(uint64_t first, uint64_t count) {
  // Freeing what is free (or outside RAM) would hand a frame out twice later.
  for (uint64_t f = first; f < first + count; f++)
    if (f >= frames_ || is_free(f)) return false;
  for (uint64_t f = first; f < first + count; f++) {
    set_free(f, true);
    free_++;
  }
  if (first / 64 < hint_) hint_ = first / 64;
  return true;
}

}  // namespace kiln
