// An in-memory index of one large directory: where each name is, and how
// much room each block has. ext2 directories are linear lists, so without
// it every lookup and every create reads the whole directory (Linux's ext2
// does too, but its dcache then answers repeated lookups; kiln has no
// dcache). Built on the first lookup in a directory of kMinBytes or more
// (in bytes, not blocks: a thousand entries fill only four 4 KiB blocks,
// and scanning them on every stat cost 5x the lookup), kept up to date by every entry added or removed, and never written
// to disk. Entries do not move in ext2 (removal merges a record into its
// predecessor, addition splits one), so a byte position stays valid for as
// long as its entry lives.
//
// Names are found by a 32-bit hash; a hit is only a candidate, which the
// caller checks against the block. A name absent from the index is absent
// from the directory.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/fallible.h"

namespace kiln::fs::ext2 {

class DirIndex final : public Fallible {
 public:
  static constexpr uint32_t kMinBytes = 8192;

  ~DirIndex();

  static uint32_t hash(const char* name, size_t len);

  // Entries: false when memory ran out (the caller then drops the index,
  // which must never be incomplete).
  bool insert(uint32_t hash, uint32_t pos);
  void erase(uint32_t hash, uint32_t pos);
  // Positions of entries whose name has `hash`, one per call: *cursor
  // starts at 0; returns false when there are no more.
  bool next(uint32_t hash, uint32_t* cursor, uint32_t* pos) const;

  // Room per block: the largest record a new entry could take in it.
  bool set_room(uint32_t block, uint32_t room);
  // The first block with at least `need` bytes of room, or
  // `blocks()` when none has.
  uint32_t first_with_room(uint32_t need) const;
  uint32_t blocks() const { return blocks_; }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t pos_plus1;  // 0: empty; kTombstone: erased
  };
  static constexpr uint32_t kTombstone = ~0u;

  bool grow();

  Slot* slots_ = nullptr;
  uint32_t cap_ = 0;     // a power of two
  uint32_t live_ = 0;
  uint32_t dead_ = 0;    // tombstones
  uint16_t* room_ = nullptr;
  uint32_t blocks_ = 0, room_cap_ = 0;
};

}  // namespace kiln::fs::ext2
