// Checked access to the program's memory. Every pointer a syscall receives
// goes through these: an address outside user space or unmapped gives
// false (the syscall returns -EFAULT), never a kernel fault.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/paging.h"

extern "C" {
size_t uaccess_copy(void* dst, const void* src, size_t n);
[[nodiscard]] long uaccess_strncpy(char* dst, const char* src, size_t cap);
int uaccess_cmpxchg_u32(uint32_t* addr, uint32_t expected, uint32_t desired, uint32_t* old);
}

namespace kiln {

using paging::kUserTop;

inline bool user_range_ok(uint64_t addr, size_t n) {
  return addr + n >= addr && addr + n <= kUserTop;
}

inline bool copy_from_user(void* dst, uint64_t src, size_t n) {
  return user_range_ok(src, n) && uaccess_copy(dst, reinterpret_cast<const void*>(src), n) == 0;
}
inline bool copy_to_user(uint64_t dst, const void* src, size_t n) {
  return user_range_ok(dst, n) && uaccess_copy(reinterpret_cast<void*>(dst), src, n) == 0;
}
template <typename T>
bool get_user(T* out, uint64_t src) { return copy_from_user(out, src, sizeof(T)); }
template <typename T>
bool put_user(uint64_t dst, const T& v) { return copy_to_user(dst, &v, sizeof(T)); }

// Copies a NUL-terminated string; returns its length, -EFAULT, or
// -ENAMETOOLONG when it does not fit in cap bytes.
[[nodiscard]] long copy_string_from_user(char* dst, uint64_t src, size_t cap);

// Kernel fault inside a uaccess routine: redirect rip; false if not one.
bool uaccess_fixup(uint64_t* rip);
// Whether rip lies in a uaccess routine.
bool in_uaccess(uint64_t rip);

}  // namespace kiln
