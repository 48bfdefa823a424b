// Fallible allocation. The kernel's operator new returns nullptr when the
// heap is exhausted, but the compiler assumes a plain new-expression never
// does and deletes the caller's check. Objects of the file system derive
// from Fallible: a class-specific noexcept operator new makes the
// new-expression test the pointer before running the constructor. Byte
// arrays come from alloc_array, whose empty asm hides the global operator's
// "never null" promise from the optimiser.
#pragma once

#include <stddef.h>

namespace kiln::fs::iso9660 {

inline void* raw_alloc(size_t n) noexcept {
  void* p = ::operator new(n ? n : 1);
  asm("" : "+r"(p));
  return p;
}
inline void raw_free(void* p) noexcept {
  if (p) ::operator delete(p);
}

struct Fallible {
  static void* operator new(size_t n) noexcept { return raw_alloc(n); }
  static void operator delete(void* p) noexcept { raw_free(p); }
};

// `count` elements of a trivial type T, uninitialised; nullptr when out of memory.
template <typename T>
T* alloc_array(size_t count) noexcept {
  return static_cast<T*>(raw_alloc(sizeof(T) * count));
}
inline void free_array(void* p) noexcept { raw_free(p); }

}  // namespace kiln::fs::iso9660
