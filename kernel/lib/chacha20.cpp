#include "lib/chacha20.h"

#include "lib/mem.h"

namespace kiln {
namespace {

uint32_t load32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint32_t rotl(uint32_t v, int n) { return v << n | v >> (32 - n); }

void quarter(uint32_t* x, int a, int b, int c, int d) {
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

}  // namespace

void ChaCha20::seed(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter) {
  state_[0] = 0x61707865;  // "expand 32-byte k"
  state_[1] = 0x3320646e;
  state_[2] = 0x79622d32;
  state_[3] = 0x6b206574;
  for (int i = 0; i < 8; i++) state_[4 + i] = load32(key + 4 * i);
  state_[12] = counter;
  for (int i = 0; i < 3; i++) state_[13 + i] = load32(nonce + 4 * i);
}

void ChaCha20::block(uint8_t out[64]) {
  uint32_t x[16];
  memcpy(x, state_, sizeof x);
  for (int i = 0; i < 10; i++) {
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; i++) {
    uint32_t v = x[i] + state_[i];
    out[4 * i] = uint8_t(v);
    out[4 * i + 1] = uint8_t(v >> 8);
    out[4 * i + 2] = uint8_t(v >> 16);
    out[4 * i + 3] = uint8_t(v >> 24);
  }
  state_[12]++;
}

}  // namespace kiln
