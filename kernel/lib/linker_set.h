// Linker sets: tables that modules add entries to from their own files, so
// that a kernel built without a module (a bake configuration leaving out
// ext2, say) simply has no entry for it, and nothing refers to its code.
//
//   KILN_SET_DECLARE(volume_types, VolumeType)   // beside VolumeType: declares
//                                                // volume_types_set()
//   KILN_SET_ENTRY(volume_types, VolumeType, g_ext2) = {...};   // contributes
//   for (const VolumeType& t : volume_types_set()) ...           // walks
//
// Entries live in a section named kiln_set_NAME, which the kernel's linker
// script (arch/x86_64/linker.ld) keeps in .rodata between __start_ and
// __stop_ symbols. They are weak here, so a host build (which has no such
// script and no entries) sees an empty set.
#pragma once

#include <stddef.h>

namespace kiln {

template <typename T>
struct LinkerSet {
  const T* first;
  const T* last;
  const T* begin() const { return first; }
  const T* end() const { return last; }
  size_t size() const { return first ? size_t(last - first) : 0; }
};

}  // namespace kiln

#define KILN_SET_DECLARE(set, T)                                                              \
  extern "C" const T __start_kiln_set_##set[] __attribute__((weak, visibility("hidden")));    \
  extern "C" const T __stop_kiln_set_##set[] __attribute__((weak, visibility("hidden")));     \
  inline ::kiln::LinkerSet<T> set##_set() { return {__start_kiln_set_##set, __stop_kiln_set_##set}; }

#define KILN_SET_ENTRY(set, T, name) \
  [[gnu::used, gnu::section("kiln_set_" #set), gnu::aligned(alignof(T))]] const T name
