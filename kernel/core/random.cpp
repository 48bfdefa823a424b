#include "core/random.h"

#include "arch/x86_64/cpu.h"
#include "lib/chacha20.h"
#include "lib/mem.h"

namespace kiln {
namespace {

ChaCha20 g_rng;

void rekey(const uint8_t* key) {
  static const uint8_t nonce[12] = {};
  g_rng.seed(key, nonce);
}

}  // namespace

bool random_init() {
  uint8_t key[32];
  bool hardware = true;
  for (int i = 0; i < 4; i++) {
    uint64_t v;
    if (!cpu::rdseed64(&v) && !cpu::rdrand64(&v)) {
      hardware = false;
      // No entropy instruction: the low TSC bits of slow port reads jitter.
      v = 0;
      for (int j = 0; j < 64; j++) {
        (void)cpu::inb(0x80);
        v = (v << 1 | v >> 63) ^ cpu::rdtsc();
      }
    }
    memcpy(key + 8 * i, &v, 8);
  }
  rekey(key);
  return hardware;
}

void random_bytes(void* out, size_t n) {
  uint8_t block[64];
  auto dst = static_cast<uint8_t*>(out);
  while (n) {
    g_rng.block(block);
    size_t chunk = n < 32 ? n : 32;
    memcpy(dst, block + 32, chunk);  // first half becomes the next key
    rekey(block);
    dst += chunk;
    n -= chunk;
  }
  memset(block, 0, sizeof block);
}

void random_add_entropy(const void* data, size_t n) {
  // Each new key is the generator's next output XORed with up to 32 input
  // bytes: never weaker than the key before, unpredictable when the input is.
  auto src = static_cast<const uint8_t*>(data);
  uint8_t block[64];
  while (n) {
    g_rng.block(block);
    size_t chunk = n < 32 ? n : 32;
    for (size_t i = 0; i < chunk; i++) block[i] ^= src[i];
    rekey(block);
    src += chunk;
    n -= chunk;
  }
  memset(block, 0, sizeof block);
}

}  // namespace kiln
