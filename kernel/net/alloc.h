// Fallible allocation for the stack. The kernel's operator new returns
// nullptr when the heap is exhausted, but GCC assumes a new-expression never
// yields nullptr and deletes the caller's check. A class-specific noexcept
// operator new makes the check mandatory: the new-expression then tests the
// pointer before running the constructor. The empty asm hides the global
// operator's "never null" promise from the optimiser.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::net {

// Tests inject allocation failures through this (nullptr: never).
inline bool (*alloc_should_fail)() = nullptr;

inline void* raw_alloc(size_t n) noexcept {
  if (alloc_should_fail && alloc_should_fail()) return nullptr;
  void* p = ::operator new(n);
  asm("" : "+r"(p));
  return p;
}
inline void raw_free(void* p) noexcept { ::operator delete(p); }

// Base of every heap object of the stack: `new T` may yield nullptr.
struct Fallible {
  static void* operator new(size_t n) noexcept { return raw_alloc(n); }
  static void operator delete(void* p) noexcept { raw_free(p); }
};

inline uint8_t* alloc_bytes(size_t n) noexcept { return static_cast<uint8_t*>(raw_alloc(n ? n : 1)); }
inline void free_bytes(uint8_t* p) noexcept {
  if (p) raw_free(p);
}

}  // namespace kiln::net
