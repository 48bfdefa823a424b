#include "mm/vma.h"

#include "lib/mem.h"

namespace kiln {

size_t VmaSet::lower_bound(uint64_t addr) const {
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v_[mid].end <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const Vma* VmaSet::find(uint64_t addr) const {
  size_t i = lower_bound(addr);
  return i < count_ && v_[i].start <= addr ? &v_[i] : nullptr;
}

bool VmaSet::overlaps(uint64_t start, uint64_t end) const {
  size_t i = lower_bound(start);
  return i < count_ && v_[i].start < end;
}

bool VmaSet::covered(uint64_t start, uint64_t end) const {
  size_t i = lower_bound(start);
  uint64_t at = start;
  for (; i < count_ && at < end; i++) {
    if (v_[i].start > at) return false;
    at = v_[i].end;
  }
  return at >= end;
}

bool VmaSet::find_gap(uint64_t len, uint64_t bottom, uint64_t top, uint64_t* out) const {
  if (len == 0 || top < bottom || top - bottom < len) return false;
  // Walk down from the area at or below top.
  size_t i = lower_bound(top);
  uint64_t ceiling = top;
  if (i < count_ && v_[i].start < top) ceiling = v_[i].start;
  for (;;) {
    uint64_t floor = i == 0 ? bottom : v_[i - 1].end;
    if (floor < bottom) floor = bottom;
    if (ceiling >= floor && ceiling - floor >= len) {
      *out = ceiling - len;
      return true;
    }
    if (i == 0) return false;
    i--;
    ceiling = v_[i].start;
    if (ceiling <= bottom) return false;
  }
}

bool VmaSet::insert_at(size_t i, const Vma& v) {
  if (count_ == kMax) return false;
  memmove(&v_[i + 1], &v_[i], (count_ - i) * sizeof(Vma));
  v_[i] = v;
  count_++;
  return true;
}

void VmaSet::erase_at(size_t i) {
  memmove(&v_[i], &v_[i + 1], (count_ - i - 1) * sizeof(Vma));
  count_--;
}

void VmaSet::merge_around(size_t i) {
  auto same = [](const Vma& a, const Vma& b) {
    uint64_t len = a.end - a.start;
    bool backing = a.backing ? b.backing == a.backing + len : b.backing == 0;
    bool file = a.file == b.file && (!a.file || b.file_offset == a.file_offset + len);
    return a.end == b.start && a.prot == b.prot && a.flags == b.flags && backing && file;
  };
  if (i + 1 < count_ && same(v_[i], v_[i + 1])) {
    if (v_[i].file && hooks_.drop) hooks_.drop(v_[i + 1]);
    v_[i].end = v_[i + 1].end;
    erase_at(i + 1);
  }
  if (i > 0 && same(v_[i - 1], v_[i])) {
    if (v_[i].file && hooks_.drop) hooks_.drop(v_[i]);
    v_[i - 1].end = v_[i].end;
    erase_at(i);
  }
}

bool VmaSet::insert(const Vma& v) {
  if (v.start >= v.end || overlaps(v.start, v.end)) return false;
  size_t i = lower_bound(v.start);
  if (!insert_at(i, v)) return false;
  merge_around(i);
  return true;
}

bool VmaSet::split(uint64_t addr) {
  size_t i = lower_bound(addr);
  if (i >= count_ || v_[i].start >= addr) return true;  // already a boundary
  Vma upper = v_[i];
  upper.start = addr;
  if (upper.backing) upper.backing += addr - v_[i].start;
  if (upper.file) upper.file_offset += addr - v_[i].start;
  if (count_ == kMax) return false;
  v_[i].end = addr;
  if (!insert_at(i + 1, upper)) return false;
  if (upper.file && hooks_.dup) hooks_.dup(upper);
  return true;
}

bool VmaSet::remove(uint64_t start, uint64_t end, void (*removed)(const Vma&, void*),
                    void* ctx) {
  if (start >= end) return true;
  if (!split(start) || !split(end)) return false;
  size_t i = lower_bound(start);
  while (i < count_ && v_[i].start < end) {
    if (removed) removed(v_[i], ctx);
    erase_at(i);
  }
  return true;
}

bool VmaSet::protect(uint64_t start, uint64_t end, uint32_t prot) {
  if (!covered(start, end)) return false;
  if (!split(start) || !split(end)) return false;
  for (size_t i = lower_bound(start); i < count_ && v_[i].start < end; i++) v_[i].prot = prot;
  // Re-merge what now matches its neighbours.
  for (size_t i = lower_bound(start ? start - 1 : 0); i < count_ && v_[i].start <= end;) {
    size_t before = count_;
    merge_around(i);
    if (count_ == before) i++;
  }
  return true;
}

}  // namespace kiln
