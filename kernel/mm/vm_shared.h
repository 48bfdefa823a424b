// MAP_SHARED areas in the page tables (vm_shared.cpp), for vm.cpp.
#pragma once

#include <stdint.h>

#include "mm/vm.h"
#include "mm/vma.h"

namespace kiln {

class SharedPages;

inline SharedPages* shared_pages_of(const Vma& v) {
  return (v.flags & kVmaShared) ? reinterpret_cast<SharedPages*>(v.file) : nullptr;
}
// A fault in a shared area: maps the object's frame for the page, read-only
// until the first store when a file is behind it (that store marks it
// dirty). May block reading the file.
FaultResult shared_fault(Vma v, uint64_t page, bool write);

}  // namespace kiln
