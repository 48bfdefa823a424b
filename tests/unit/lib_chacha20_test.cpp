// ChaCha20 (kernel/lib/chacha20) against the RFC 8439 test vectors.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "lib/chacha20.h"

namespace kiln {
namespace {

std::string hex(const uint8_t* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) s += digits[p[i] >> 4], s += digits[p[i] & 15];
  return s;
}

std::string block_hex(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter) {
  ChaCha20 c;
  c.seed(key, nonce, counter);
  uint8_t out[64];
  c.block(out);
  return hex(out, 64);
}

// RFC 8439 §2.3.2: key 00..1f, nonce 00 00 00 09 00 00 00 4a 00 00 00 00,
// block counter 1.
TEST(ChaCha20, Rfc8439BlockFunction) {
  uint8_t key[32];
  for (int i = 0; i < 32; i++) key[i] = uint8_t(i);
  const uint8_t nonce[12] = {0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0};
  EXPECT_EQ(block_hex(key, nonce, 1),
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
            "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

// RFC 8439 Appendix A.1, test vectors 1 to 5.
TEST(ChaCha20, Rfc8439AppendixA1) {
  uint8_t zero_key[32] = {}, one_key[32] = {}, ff_key[32] = {};
  one_key[31] = 1;
  ff_key[1] = 0xff;
  uint8_t zero_nonce[12] = {}, two_nonce[12] = {};
  two_nonce[11] = 2;
  EXPECT_EQ(block_hex(zero_key, zero_nonce, 0),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
            "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
  EXPECT_EQ(block_hex(zero_key, zero_nonce, 1),
            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
            "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
  EXPECT_EQ(block_hex(one_key, zero_nonce, 1),
            "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
            "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
  EXPECT_EQ(block_hex(ff_key, zero_nonce, 2),
            "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
            "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096");
  EXPECT_EQ(block_hex(zero_key, two_nonce, 0),
            "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
            "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d");
}

TEST(ChaCha20, EachBlockAdvancesTheCounter) {
  uint8_t key[32] = {}, nonce[12] = {};
  ChaCha20 c;
  c.seed(key, nonce);  // counter 0 by default
  uint8_t first[64], second[64];
  c.block(first);
  c.block(second);
  EXPECT_EQ(hex(first, 64), block_hex(key, nonce, 0));
  EXPECT_EQ(hex(second, 64), block_hex(key, nonce, 1));
  EXPECT_NE(memcmp(first, second, 64), 0);
}

TEST(ChaCha20, CounterWrapsWithoutTouchingTheNonce) {
  uint8_t key[32], nonce[12];
  for (int i = 0; i < 32; i++) key[i] = uint8_t(0xa0 + i);
  for (int i = 0; i < 12; i++) nonce[i] = uint8_t(i * 7);
  ChaCha20 c;
  c.seed(key, nonce, 0xffffffff);
  uint8_t last[64], wrapped[64];
  c.block(last);
  c.block(wrapped);
  EXPECT_EQ(hex(last, 64), block_hex(key, nonce, 0xffffffff));
  EXPECT_EQ(hex(wrapped, 64), block_hex(key, nonce, 0)) << "a 32-bit counter (RFC 8439)";
}

TEST(ChaCha20, ReseedingStartsOver) {
  uint8_t key[32] = {}, nonce[12] = {};
  ChaCha20 c;
  c.seed(key, nonce, 5);
  uint8_t a[64], b[64];
  c.block(a);
  c.block(a);
  c.seed(key, nonce, 5);
  c.block(b);
  EXPECT_EQ(hex(b, 64), block_hex(key, nonce, 5));
  key[0] = 1;  // every key bit matters
  EXPECT_NE(block_hex(key, nonce, 5), hex(b, 64));
}

}  // namespace
}  // namespace kiln
