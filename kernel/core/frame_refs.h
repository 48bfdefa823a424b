// Copy-on-write sharing of user frames after fork: how many page-table
// entries map a frame beyond the first. One byte per frame of RAM (4 KiB
// for a 16 MiB guest) and nothing else: a frame nobody shares reads 0, so
// frames need no bookkeeping when allocated or when only one entry maps
// them. A frame already shared 255 times more is not shared again: fork
// copies it instead. Portable, like PageAllocator, for host tests.
#pragma once

#include <stdint.h>

namespace kiln {

class FrameRefs {
 public:
  // `extra` holds one zeroed byte per frame.
  void init(uint8_t* extra, uint64_t frames) {
    extra_ = extra;
    frames_ = frames;
  }
  // One more entry maps frame f: false when it cannot be counted.
  bool share(uint64_t f) {
    if (f >= frames_ || extra_[f] == 0xff) return false;
    extra_[f]++;
    return true;
  }
  bool shared(uint64_t f) const { return f < frames_ && extra_[f]; }
  // One entry stops mapping frame f: true when it was the last one.
  bool drop(uint64_t f) {
    if (!shared(f)) return true;
    extra_[f]--;
    return false;
  }

 private:
  uint8_t* extra_ = nullptr;
  uint64_t frames_ = 0;
};

}  // namespace kiln
