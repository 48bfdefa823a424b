// Big-endian loads and stores on unaligned packet bytes, and the Internet
// checksum (RFC 1071). Every parser reads through these, never through
// casted structs, so alignment and strict aliasing never matter.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::net {

inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

// One's-complement sum of `len` bytes added to `sum` (not yet folded).
uint32_t csum_add(uint32_t sum, const uint8_t* p, size_t len);
// Folds and complements: the value to store in a checksum field.
inline uint16_t csum_fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}
inline uint16_t checksum(const uint8_t* p, size_t len) { return csum_fold(csum_add(0, p, len)); }

}  // namespace kiln::net
