#include "mm/uaccess.h"

#include "abi/linux/errno.h"

extern "C" const uint64_t uaccess_fixups[], uaccess_fixups_end[];

namespace kiln {

long copy_string_from_user(char* dst, uint64_t src, size_t cap) {
  if (src >= kUserTop) return -kEFAULT;
  size_t room = kUserTop - src < cap ? kUserTop - src : cap;
  long n = uaccess_strncpy(dst, reinterpret_cast<const char*>(src), room);
  if (n == -2) return -kEFAULT;
  if (n == -1) return room < cap ? -kEFAULT : -kENAMETOOLONG;
  return n;
}

bool in_uaccess(uint64_t rip) {
  for (const uint64_t* f = uaccess_fixups; f < uaccess_fixups_end; f += 3)
    if (rip >= f[0] && rip < f[1]) return true;
  return false;
}

bool uaccess_fixup(uint64_t* rip) {
  for (const uint64_t* f = uaccess_fixups; f < uaccess_fixups_end; f += 3) {
    if (*rip >= f[0] && *rip < f[1]) {
      *rip = f[2];
      return true;
    }
  }
  return false;
}

}  // namespace kiln
