// The program's virtual memory areas: a sorted set of non-overlapping
// [start, end) ranges with protections. Pure bookkeeping, portable and
// unit-tested on the host; the page tables follow it in vm.cpp.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/mman.h"

namespace kiln {

struct Vma {
  uint64_t start, end;
  uint32_t prot;         // kPROT_* bits
  uint32_t flags;        // kVma* below
  uint64_t backing = 0;  // physical address of the byte at `start`; 0: anonymous
  // A mapped file: an owner-defined handle (0: none) and the file offset of
  // `start`. The set tells its owner when pieces are duplicated or merged
  // away (VmaSet::Hooks), so the owner can count references.
  uint64_t file = 0;
  uint64_t file_offset = 0;
};

inline constexpr uint32_t kVmaStack = 1;    // grows down (the main stack)
inline constexpr uint32_t kVmaHeap = 2;     // brk area
inline constexpr uint32_t kVmaShared = 4;   // MAP_SHARED: `file` is its SharedPages
inline constexpr uint32_t kVmaMayWrite = 8; // MAP_SHARED of a file opened for writing

class VmaSet {
 public:
  static constexpr size_t kMax = 4096;  // Linux's vm.max_map_count is 65530
  struct Hooks {
    void (*dup)(const Vma& piece) = nullptr;   // a split made a second piece of a file mapping
    void (*drop)(const Vma& piece) = nullptr;  // a merge absorbed a piece
  };
  void set_hooks(Hooks h) { hooks_ = h; }

  const Vma* find(uint64_t addr) const;  // the area containing addr
  // Any area overlapping [start, end)?
  bool overlaps(uint64_t start, uint64_t end) const;
  // Highest free gap of `len` bytes ending at or below `top`, above `bottom`.
  bool find_gap(uint64_t len, uint64_t bottom, uint64_t top, uint64_t* out) const;
  // Adds an area; the range must be free. Merges with equal neighbours.
  bool insert(const Vma& v);
  // Removes [start, end) from every area it touches, splitting as needed;
  // `removed` (if given) is called for each removed piece.
  bool remove(uint64_t start, uint64_t end, void (*removed)(const Vma&, void*) = nullptr,
              void* ctx = nullptr);
  // Sets protections on [start, end); every byte must be mapped.
  bool protect(uint64_t start, uint64_t end, uint32_t prot);
  // Is all of [start, end) mapped?
  bool covered(uint64_t start, uint64_t end) const;

  size_t size() const { return count_; }
  const Vma& at(size_t i) const { return v_[i]; }

 private:
  size_t lower_bound(uint64_t addr) const;  // first area with end > addr
  bool insert_at(size_t i, const Vma& v);
  void erase_at(size_t i);
  void merge_around(size_t i);
  bool split(uint64_t addr);  // makes addr an area boundary

  Vma v_[kMax];
  size_t count_ = 0;
  Hooks hooks_;
};

}  // namespace kiln
