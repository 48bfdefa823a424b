// System call numbers as constants (asm/unistd_64.h), made from the one
// list, syscalls.h: kNR_read is __NR_read. Names and namespace as errno.h
// explains; pasted from the list, _sysctl's keeps its underscore
// (kNR__sysctl, which nothing uses).
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

enum : uint16_t {
#define SYSCALL(nr, name) kNR_##name = nr,
#include "abi/linux/syscalls.h"
#undef SYSCALL
};

// One more than the highest number: the size of a table indexed by them.
inline constexpr uint16_t kNR_syscalls = [] {
  constexpr uint16_t numbers[] = {
#define SYSCALL(nr, name) nr,
#include "abi/linux/syscalls.h"
#undef SYSCALL
  };
  uint16_t end = 0;
  for (uint16_t nr : numbers)
    if (nr >= end) end = uint16_t(nr + 1);
  return end;
}();

}  // namespace kiln::inline abi
