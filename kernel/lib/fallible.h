// Fallible allocation, for the portable subsystems (the stack, the file
// systems) and the kernel objects built on them. The kernel's operator new
// returns nullptr when the heap is exhausted, but GCC assumes a plain
// new-expression never yields nullptr and deletes the caller's check. A
// class-specific noexcept operator new makes the check mandatory: the
// new-expression then tests the pointer before running the constructor.
// The empty asm hides the global operator's "never null" promise from the
// optimiser.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

// Tests inject allocation failures through this (nullptr: never).
inline bool (*alloc_should_fail)() = nullptr;

inline void* fallible_alloc(size_t n) noexcept {
  if (alloc_should_fail && alloc_should_fail()) return nullptr;
  void* p = ::operator new(n ? n : 1);
  asm("" : "+r"(p));
  return p;
}
inline void fallible_free(void* p) noexcept {
  if (p) ::operator delete(p);
}

// Base of heap objects whose `new T` (and `new T[n]`) may yield nullptr.
struct Fallible {
  static void* operator new(size_t n) noexcept { return fallible_alloc(n); }
  static void operator delete(void* p) noexcept { fallible_free(p); }
  static void* operator new[](size_t n) noexcept { return fallible_alloc(n); }
  static void operator delete[](void* p) noexcept { fallible_free(p); }
};

inline uint8_t* alloc_bytes(size_t n) noexcept { return static_cast<uint8_t*>(fallible_alloc(n)); }
inline void free_bytes(void* p) noexcept { fallible_free(p); }

// `count` elements of a trivial type T, uninitialised; nullptr when out of memory.
template <typename T>
T* alloc_array(size_t count) noexcept {
  return static_cast<T*>(fallible_alloc(sizeof(T) * count));
}

}  // namespace kiln
