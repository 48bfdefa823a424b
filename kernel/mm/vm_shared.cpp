// MAP_SHARED memory in the page tables: faults map the SharedPages
// object's frames; write-back and truncation find every page-table entry
// that maps a page by walking the processes' areas (no reverse map is
// kept: shared mappings are few). Dirty tracking is Linux's: a file page is
// mapped read-only until its first store, which marks it dirty; writing it
// back makes every mapping of it read-only again.
#include "mm/vm_shared.h"

#include "core/memory.h"
#include "fs/node.h"
#include "abi/linux/errno.h"
#include "abi/linux/mman.h"
#include "mm/address_space.h"
#include "mm/shared_pages.h"
#include "mm/vm_pte.h"

namespace kiln {
namespace {

// Calls fn(space, va, pte) for each entry, in any address space, that maps
// one of the pages [first, end) of `sp`.
template <typename Fn>
void for_each_mapping(SharedPages* sp, uint64_t first, uint64_t end, Fn fn) {
  for (AddressSpace* m = mm_first(); m; m = mm_next(m)) {
    for (size_t i = 0; i < m->vmas.size(); i++) {
      const Vma& v = m->vmas.at(i);
      if (shared_pages_of(v) != sp) continue;
      uint64_t lo = v.file_offset / kPageSize, hi = lo + (v.end - v.start) / kPageSize;
      for (uint64_t index = lo > first ? lo : first; index < hi && index < end; index++) {
        uint64_t va = v.start + (index - lo) * kPageSize;
        uint64_t* pte = paging::lookup_in(m->space, va);
        if (pte && (*pte & (paging::kPresent | kHeld))) fn(m->space, va, pte);
      }
    }
  }
}

void drop_entry_bits(uint64_t space, uint64_t va, uint64_t* pte, uint64_t bits) {
  *pte &= ~bits;
  if (space == paging::active_space()) paging::flush(va);
}

// Writes the dirty pages [first, end) of a file back: 0 or the first error.
long write_back(SharedPages* sp, uint64_t first, uint64_t end) {
  long err = 0;
  sp->get();  // the writes may sleep; the object must stay
  for (uint64_t index = first; sp->next_dirty(index, end, &index); index++) {
    for_each_mapping(sp, index, index + 1, [](uint64_t space, uint64_t va, uint64_t* pte) {
      drop_entry_bits(space, va, pte, paging::kWritable);
    });
    long r = sp->write_page(index);
    if (r < 0 && !err) err = r;
  }
  sp->put();
  SharedPages::reap();
  return err;
}

}  // namespace

FaultResult shared_fault(Vma v, uint64_t page, bool write) {
  SharedPages* sp = shared_pages_of(v);
  uint64_t off = v.file_offset + (page - v.start), index = off / kPageSize;
  if (fs::Node* n = sp->node()) {
    fs::Attr a;
    if (n->getattr(&a) == 0 && off >= page_align_up(a.size)) return FaultResult::Bus;
  }
  sp->get();
  uint64_t pa = sp->frame(index);
  FaultResult result = FaultResult::Handled;
  // Filling may have slept: map only if the area is still there.
  const Vma* now = mm().vmas.find(page);
  if (!pa) {
    result = FaultResult::OutOfMemory;
  } else if (now && now->file == v.file && now->prot == v.prot &&
             now->file_offset + (page - now->start) == off) {
    // Stores to an anonymous object need no tracking: writable at once.
    bool writable = (v.prot & kPROT_WRITE) && (write || !sp->node());
    if (write && sp->node()) sp->mark_dirty(index);
    uint64_t flags = pte_flags(v.prot) | kSharedFrame;
    if (!writable) flags &= ~paging::kWritable;
    if (!paging::map(page, pa, flags)) result = FaultResult::OutOfMemory;
  }
  sp->put();
  SharedPages::reap();
  return result;
}

void vm_file_overlay(fs::Node* node, uint64_t off, uint8_t* buf, size_t n) {
  if (SharedPages* sp = SharedPages::find(node)) sp->overlay(off, buf, n);
}

void vm_file_written(fs::Node* node, uint64_t off, const uint8_t* buf, size_t n) {
  if (SharedPages* sp = SharedPages::find(node)) sp->absorb(off, buf, n);
}

void vm_file_growing(fs::Node* node, uint64_t end) {
  SharedPages* sp = SharedPages::find(node);
  fs::Attr a;
  if (sp && node->getattr(&a) == 0 && end > a.size) sp->zero_tail(a.size);
}

long vm_set_file_size(fs::Node* node, uint64_t size) {
  vm_file_growing(node, size);
  fs::Attr a;
  a.size = size;
  if (long r = node->setattr(a, fs::kSetSize)) return r;
  SharedPages* sp = SharedPages::find(node);
  if (!sp) return 0;
  // Pages wholly past the end leave every mapping and the object.
  uint64_t keep = page_align_up(size) / kPageSize;
  for_each_mapping(sp, keep, ~0ull, [](uint64_t space, uint64_t va, uint64_t* pte) {
    drop_entry_bits(space, va, pte, ~0ull);
  });
  sp->drop_from(keep);
  sp->zero_tail(size);
  return 0;
}

long vm_file_write_back(fs::Node* node) {
  SharedPages* sp = SharedPages::find(node);
  return sp ? write_back(sp, 0, ~0ull) : 0;
}

long vm_files_write_back(fs::FileSystem* only) {
  long err = 0;
  // Each object is held while written and until the next one is held.
  SharedPages* sp = SharedPages::first_file();
  if (sp) sp->get();
  while (sp) {
    if (!only || sp->node()->fs == only) {
      long r = write_back(sp, 0, ~0ull);
      if (r < 0 && !err) err = r;
    }
    SharedPages* next = SharedPages::next_file(sp);
    if (next) next->get();
    sp->put();
    sp = next;
  }
  SharedPages::reap();
  return err;
}

long sys_msync(uint64_t addr, uint64_t len, uint64_t flags) {
  if ((addr & (kPageSize - 1)) || (flags & ~(kMS_ASYNC | kMS_INVALIDATE | kMS_SYNC)) ||
      ((flags & kMS_ASYNC) && (flags & kMS_SYNC)))
    return -kEINVAL;
  uint64_t end = addr + page_align_up(len);
  if (end < addr) return -kENOMEM;
  // Linux writes back only for MS_SYNC; MS_ASYNC's pages are already where
  // read() sees them, and reach the file at the latest when unmapped.
  long err = 0;
  bool gap = false;
  for (uint64_t at = addr; at < end;) {
    const Vma* v = mm().vmas.find(at);
    if (!v) {
      // Skip to the next area: an unmapped hole means ENOMEM in the end.
      gap = true;
      size_t i = 0;
      while (i < mm().vmas.size() && mm().vmas.at(i).start <= at) i++;
      if (i == mm().vmas.size()) break;
      at = mm().vmas.at(i).start;
      continue;
    }
    Vma area = *v;  // the writes may sleep and areas change meanwhile
    uint64_t to = area.end < end ? area.end : end;
    SharedPages* sp = shared_pages_of(area);
    if ((flags & kMS_SYNC) && sp && sp->node()) {
      uint64_t first = (area.file_offset + (at - area.start)) / kPageSize;
      uint64_t last = (area.file_offset + (to - area.start)) / kPageSize;
      sp->get();
      long r = write_back(sp, first, last);
      if (r == 0) r = sp->node()->sync();
      if (r == 0) r = sp->node()->fs->sync();
      if (r < 0 && !err) err = r;
      sp->put();
      SharedPages::reap();
    }
    at = to;
  }
  if (err) return err;
  return gap ? -kENOMEM : 0;
}

}  // namespace kiln
