// What the program's page-table entries carry besides the hardware bits:
// shared by the memory code (vm.cpp, vm_shared.cpp) only.
#pragma once

#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "mm/vma.h"

namespace kiln {

// A frame kept under a PROT_NONE page: not present, but its contents stay.
inline constexpr uint64_t kHeld = 1ull << 9;
// A frame of the payload mapped in place (read-only program text): never
// freed, never written; a write gets a private copy.
inline constexpr uint64_t kBorrowed = 1ull << 10;
// A frame of a SharedPages object (MAP_SHARED): its owner frees it, fork
// maps the same frame in the child.
inline constexpr uint64_t kSharedFrame = 1ull << 11;
// A private frame fork shares between spaces (core/frame_refs.h counts the
// entries): mapped read-only whatever the area allows, and the first store
// takes a copy, or the frame itself once no other entry maps it. Bits 9-11
// are taken, 52-58 are free for software too.
inline constexpr uint64_t kCow = 1ull << 52;

inline uint64_t pte_flags(uint32_t prot) {
  uint64_t f = paging::kPresent | paging::kUser;
  if (prot & kPROT_WRITE) f |= paging::kWritable;
  if (!(prot & kPROT_EXEC)) f |= paging::kNoExecute;
  return f;
}

}  // namespace kiln
