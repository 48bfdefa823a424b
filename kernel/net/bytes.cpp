#include "net/bytes.h"

namespace kiln::net {

uint32_t csum_add(uint32_t sum, const uint8_t* p, size_t len) {
  // 64-bit accumulator over 32-bit words: the end-around carries are folded
  // once at the end, so the loop has no branches per word.
  uint64_t s = sum;
  while (len >= 4) {
    s += uint32_t(p[0]) << 8 | p[1];
    s += uint32_t(p[2]) << 8 | p[3];
    p += 4;
    len -= 4;
  }
  while (len >= 2) {
    s += uint32_t(p[0]) << 8 | p[1];
    p += 2;
    len -= 2;
  }
  if (len) s += uint32_t(p[0]) << 8;
  while (s >> 32) s = (s & 0xffffffff) + (s >> 32);
  uint32_t r = uint32_t(s & 0xffff) + uint32_t(s >> 16);
  return r;
}

}  // namespace kiln::net
