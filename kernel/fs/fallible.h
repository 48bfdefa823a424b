// Fallible allocation for file systems. The kernel's operator new returns
// nullptr when the heap is exhausted, but GCC assumes a plain new-expression
// never yields nullptr and may delete the caller's check. A class-specific
// noexcept operator new makes the check mandatory; the empty asm hides the
// global operator's "never null" promise from the optimiser (as in
// net/alloc.h). Portable.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::fs {

inline void* fs_alloc(size_t n) noexcept {
  void* p = ::operator new(n ? n : 1);
  asm("" : "+r"(p));
  return p;
}
inline void fs_free(void* p) noexcept {
  if (p) ::operator delete(p);
}

// Base of heap objects whose `new T` (and `new T[n]`) may yield nullptr.
struct Fallible {
  static void* operator new(size_t n) noexcept { return fs_alloc(n); }
  static void operator delete(void* p) noexcept { fs_free(p); }
  static void* operator new[](size_t n) noexcept { return fs_alloc(n); }
  static void operator delete[](void* p) noexcept { fs_free(p); }
};

inline uint8_t* alloc_bytes(size_t n) noexcept { return static_cast<uint8_t*>(fs_alloc(n)); }
inline void free_bytes(void* p) noexcept { fs_free(p); }

}  // namespace kiln::fs
