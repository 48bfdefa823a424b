#include "mm/shared_pages.h"

#include "core/heap.h"
#include "core/memory.h"
#include "fs/node.h"
#include "lib/mem.h"

namespace kiln {
namespace {

using Files = List<SharedPages, &SharedPages::link>;
using Dying = List<SharedPages, &SharedPages::dying_link>;

Files g_files;
Dying g_dying;
uint64_t g_frames;

}  // namespace

SharedPages* SharedPages::find(fs::Node* node) {
  for (SharedPages* s = g_files.front(); s; s = g_files.next_of(s))
    if (s->node_ == node) return s;
  return nullptr;
}

SharedPages* SharedPages::first_file() { return g_files.front(); }
SharedPages* SharedPages::next_file(SharedPages* s) { return g_files.next_of(s); }

void SharedPages::get() {
  // A file's object nobody held waits for reap(): revived before it got there.
  if (refs_++ == 0 && node_) g_dying.remove(this);
}

SharedPages* SharedPages::of(fs::Node* node) {
  if (SharedPages* s = node ? find(node) : nullptr) {
    s->get();
    return s;
  }
  auto s = new SharedPages(node);
  if (!s) return nullptr;
  if (node) {
    node->get();
    g_files.push_back(s);
  }
  return s;
}

SharedPages::~SharedPages() {
  for (size_t i = 0; i < count_; i++) free_frames(pages_[i].pa);
  g_frames -= count_;
  kfree(pages_);
  if (node_) {
    g_files.remove(this);
    node_->put();
  }
}

void SharedPages::put() {
  if (--refs_ > 0) return;
  if (!node_) {
    delete this;  // nothing to write back
    return;
  }
  g_dying.push_back(this);
}

void SharedPages::reap() {
  while (SharedPages* s = g_dying.front()) {
    // Held while writing: a new mapping may revive it meanwhile, and dirty
    // pages behind the sweep, so it sweeps until clean (or stuck on errors).
    g_dying.remove(s);
    s->refs_++;
    uint64_t index;
    for (bool wrote = true; wrote && s->next_dirty(0, ~0ull, &index);) {
      wrote = false;
      for (; s->next_dirty(index, ~0ull, &index); index++)
        if (s->write_page(index) == 0) wrote = true;
    }
    if (--s->refs_ == 0) delete s;
  }
}

size_t SharedPages::lower_bound(uint64_t index) const {
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (pages_[mid].index < index)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

bool SharedPages::insert(size_t at, const Page& p) {
  if (count_ == cap_) {
    size_t cap = cap_ ? cap_ * 2 : 16;
    auto grown = static_cast<Page*>(kmalloc(cap * sizeof(Page)));
    if (!grown) return false;
    if (count_) memcpy(grown, pages_, count_ * sizeof(Page));
    kfree(pages_);
    pages_ = grown;
    cap_ = cap;
  }
  memmove(&pages_[at + 1], &pages_[at], (count_ - at) * sizeof(Page));
  pages_[at] = p;
  count_++;
  return true;
}

uint64_t SharedPages::resident(uint64_t index) const {
  size_t i = lower_bound(index);
  return i < count_ && pages_[i].index == index ? pages_[i].pa : 0;
}

uint64_t SharedPages::frame(uint64_t index) {
  if (uint64_t pa = resident(index)) return pa;
  uint64_t pa = alloc_frame();
  if (!pa) return 0;
  if (node_) {
    // The read may sleep; a write() meanwhile could be missed: read again.
    uint64_t seen;
    do {
      seen = writes_;
      memset(phys_to_virt(pa), 0, kPageSize);
      node_->read(index * kPageSize, phys_to_virt(pa), kPageSize);
    } while (seen != writes_);
  }
  if (uint64_t other = resident(index)) {  // another thread filled it first
    free_frames(pa);
    return other;
  }
  if (!insert(lower_bound(index), Page{index, pa, false})) {
    free_frames(pa);
    return 0;
  }
  g_frames++;
  return pa;
}

void SharedPages::mark_dirty(uint64_t index) {
  size_t i = lower_bound(index);
  if (i < count_ && pages_[i].index == index) pages_[i].dirty = true;
}

bool SharedPages::next_dirty(uint64_t from, uint64_t end, uint64_t* out) const {
  for (size_t i = lower_bound(from); i < count_ && pages_[i].index < end; i++)
    if (pages_[i].dirty) {
      *out = pages_[i].index;
      return true;
    }
  return false;
}

long SharedPages::write_page(uint64_t index) {
  size_t i = lower_bound(index);
  if (i >= count_ || pages_[i].index != index || !node_) return 0;
  fs::Attr a;
  if (long r = node_->getattr(&a)) return r;
  uint64_t off = index * kPageSize;
  pages_[i].dirty = false;  // a store during the write dirties it again
  if (off >= a.size) return 0;
  size_t n = a.size - off < kPageSize ? size_t(a.size - off) : kPageSize;
  // Copied out first: the frame may go (truncate) while the write sleeps.
  auto copy = static_cast<uint8_t*>(kmalloc(n));
  if (!copy) {
    pages_[i].dirty = true;
    return -kENOMEM;
  }
  memcpy(copy, phys_to_virt(pages_[i].pa), n);
  long r = node_->write(off, copy, n);
  kfree(copy);
  if (r < 0) mark_dirty(index);
  return r < 0 ? r : 0;
}

void SharedPages::overlay(uint64_t off, uint8_t* buf, size_t n) const {
  for (size_t i = lower_bound(off / kPageSize); i < count_; i++) {
    uint64_t page = pages_[i].index * kPageSize;
    if (page >= off + n) break;
    uint64_t from = page > off ? page : off;
    uint64_t to = page + kPageSize < off + n ? page + kPageSize : off + n;
    memcpy(buf + (from - off), static_cast<uint8_t*>(phys_to_virt(pages_[i].pa)) + (from - page),
           size_t(to - from));
  }
}

void SharedPages::absorb(uint64_t off, const uint8_t* buf, size_t n) {
  writes_++;
  for (size_t i = lower_bound(off / kPageSize); i < count_; i++) {
    uint64_t page = pages_[i].index * kPageSize;
    if (page >= off + n) break;
    uint64_t from = page > off ? page : off;
    uint64_t to = page + kPageSize < off + n ? page + kPageSize : off + n;
    memcpy(static_cast<uint8_t*>(phys_to_virt(pages_[i].pa)) + (from - page), buf + (from - off),
           size_t(to - from));
  }
}

void SharedPages::zero_tail(uint64_t from) {
  if (from % kPageSize == 0) return;
  if (uint64_t pa = resident(from / kPageSize))
    memset(static_cast<uint8_t*>(phys_to_virt(pa)) + from % kPageSize, 0,
           kPageSize - from % kPageSize);
}

void SharedPages::drop_from(uint64_t index) {
  size_t i = lower_bound(index);
  for (size_t j = i; j < count_; j++) free_frames(pages_[j].pa);
  g_frames -= count_ - i;
  count_ = i;
}

uint64_t SharedPages::resident_frames() { return g_frames; }

}  // namespace kiln
