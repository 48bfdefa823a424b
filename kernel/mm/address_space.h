// Address spaces: the page tables and the memory map a program runs in.
// A process has one; threads and vfork children share it (users counts
// them). mm knows spaces, not processes.
#pragma once

#include <stdint.h>

#include "lib/fallible.h"
#include "lib/list.h"
#include "mm/vma.h"

namespace kiln {

struct AddressSpace : Fallible {  // Fallible: `new` may yield nullptr
  uint64_t space = 0;  // paging's name for it (the top table)
  VmaSet vmas;
  uint64_t brk_start = 0, brk_end = 0;
  uint64_t mmap_top = 0;  // mappings without a hint go below this
  uint64_t stack_top = 0;
  int users = 1;
  ListNode node;  // every live space
};

// The calling thread's space. Defined by proc (proc/process.cpp): which
// space a thread runs on is its process's business, which mm does not see.
AddressSpace& mm();

// A new, empty address space (nullptr when out of memory), and dropping one
// reference: the last frees its frames and tables. The caller must not be
// running on it (drop switches to the kernel's space if it is).
AddressSpace* mm_new();
void mm_put(AddressSpace* m);

// Every live address space, in creation order (shared mappings are found in
// all of them).
AddressSpace* mm_first();
AddressSpace* mm_next(AddressSpace* m);

}  // namespace kiln
