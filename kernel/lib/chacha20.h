// ChaCha20 (RFC 8439) as a stream generator: the kernel's CSPRNG core.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

class ChaCha20 {
 public:
  void seed(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter = 0);
  // One 64-byte keystream block; advances the counter.
  void block(uint8_t out[64]);

 private:
  uint32_t state_[16] = {};
};

}  // namespace kiln
