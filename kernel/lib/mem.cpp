// The kernel's own memcpy and friends (the host build uses libc's).
// Compiled with -fno-builtin-style care: GCC may turn loops into calls to
// these very functions, so the bulk paths use string instructions.
#include "lib/mem.h"

extern "C" {

// Quadwords first: emulators (TCG) run rep movsq far faster than movsb.
void* memcpy(void* dst, const void* src, size_t n) {
  void* ret = dst;
  size_t quads = n / 8, rest = n % 8;
  asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(quads) : : "memory");
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
  return ret;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto d = static_cast<unsigned char*>(dst);
  auto s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlapping with dst above src: copy backwards.
  d += n - 1;
  s += n - 1;
  asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  void* ret = dst;
  uint64_t pattern = 0x0101010101010101ull * static_cast<unsigned char>(c);
  size_t quads = n / 8, rest = n % 8;
  asm volatile("rep stosq" : "+D"(dst), "+c"(quads) : "a"(pattern) : "memory");
  asm volatile("rep stosb" : "+D"(dst), "+c"(rest) : "a"(pattern) : "memory");
  return ret;
}

int memcmp(const void* a, const void* b, size_t n) {
  auto x = static_cast<const unsigned char*>(a);
  auto y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i] || !a[i])
      return static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]);
  }
  return 0;
}

}  // extern "C"
