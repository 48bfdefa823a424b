#include "fs/ext2/dir_index.h"

#include "lib/mem.h"

namespace kiln::fs::ext2 {

DirIndex::~DirIndex() {
  free_bytes(slots_);
  free_bytes(room_);
}

uint32_t DirIndex::hash(const char* name, size_t len) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < len; i++) h = (h ^ uint8_t(name[i])) * 16777619u;
  return h;
}

// Doubles the table (or rehashes it in place of its tombstones) so that
// live and dead slots stay under half of it.
bool DirIndex::grow() {
  uint32_t cap = cap_ ? cap_ : 64;
  while (live_ * 2 + 2 > cap) cap *= 2;
  auto slots = static_cast<Slot*>(fallible_alloc(size_t(cap) * sizeof(Slot)));
  if (!slots) return false;
  memset(slots, 0, size_t(cap) * sizeof(Slot));
  for (uint32_t i = 0; i < cap_; i++) {
    const Slot& s = slots_[i];
    if (s.pos_plus1 == 0 || s.pos_plus1 == kTombstone) continue;
    uint32_t at = s.hash & (cap - 1);
    while (slots[at].pos_plus1) at = (at + 1) & (cap - 1);
    slots[at] = s;
  }
  free_bytes(slots_);
  slots_ = slots;
  cap_ = cap;
  dead_ = 0;
  return true;
}

bool DirIndex::insert(uint32_t hash, uint32_t pos) {
  if ((live_ + dead_ + 1) * 2 > cap_ && !grow()) return false;
  uint32_t at = hash & (cap_ - 1);
  while (slots_[at].pos_plus1 && slots_[at].pos_plus1 != kTombstone) at = (at + 1) & (cap_ - 1);
  if (slots_[at].pos_plus1 == kTombstone) dead_--;
  slots_[at] = Slot{hash, pos + 1};
  live_++;
  return true;
}

void DirIndex::erase(uint32_t hash, uint32_t pos) {
  if (!cap_) return;
  for (uint32_t at = hash & (cap_ - 1); slots_[at].pos_plus1; at = (at + 1) & (cap_ - 1)) {
    if (slots_[at].hash == hash && slots_[at].pos_plus1 == pos + 1) {
      slots_[at].pos_plus1 = kTombstone;
      live_--;
      dead_++;
      return;
    }
  }
}

bool DirIndex::next(uint32_t hash, uint32_t* cursor, uint32_t* pos) const {
  if (!cap_) return false;
  // *cursor counts the slots already probed from the hash's home slot.
  for (uint32_t i = *cursor; i < cap_; i++) {
    const Slot& s = slots_[(hash + i) & (cap_ - 1)];
    if (!s.pos_plus1) return false;
    if (s.pos_plus1 != kTombstone && s.hash == hash) {
      *cursor = i + 1;
      *pos = s.pos_plus1 - 1;
      return true;
    }
  }
  return false;
}

bool DirIndex::set_room(uint32_t block, uint32_t room) {
  if (block >= room_cap_) {
    uint32_t cap = room_cap_ ? room_cap_ : 64;
    while (cap <= block) cap *= 2;
    auto grown = static_cast<uint16_t*>(fallible_alloc(size_t(cap) * sizeof(uint16_t)));
    if (!grown) return false;
    memset(grown, 0, size_t(cap) * sizeof(uint16_t));
    if (room_) memcpy(grown, room_, size_t(blocks_) * sizeof(uint16_t));
    free_bytes(room_);
    room_ = grown;
    room_cap_ = cap;
  }
  room_[block] = uint16_t(room);
  if (block >= blocks_) blocks_ = block + 1;
  return true;
}

uint32_t DirIndex::first_with_room(uint32_t need) const {
  for (uint32_t b = 0; b < blocks_; b++)
    if (room_[b] >= need) return b;
  return blocks_;
}

}  // namespace kiln::fs::ext2
