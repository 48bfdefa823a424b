#include "mm/vm.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "core/console.h"
#include "core/memory.h"
#include "abi/linux/errno.h"
#include "abi/linux/mman.h"
#include "mm/address_space.h"
#include "mm/shared_pages.h"
#include "mm/vm_pte.h"
#include "mm/vm_shared.h"
#include "fs/node.h"
#include "lib/mem.h"

namespace kiln {
namespace {

constexpr uint64_t kMinAddr = 0x10000;  // vm.mmap_min_addr

uint64_t g_resident;

// A file behind private mappings: one reference per VMA piece (VmaSet
// hooks). Shared areas hold their SharedPages the same way.
struct MappedFile {
  fs::Node* node;
  int refs;
};

void file_ref(const Vma& v) {
  if (SharedPages* sp = shared_pages_of(v))
    sp->get();
  else
    reinterpret_cast<MappedFile*>(v.file)->refs++;
}
void file_unref(const Vma& v) {
  if (SharedPages* sp = shared_pages_of(v)) {
    sp->put();  // the caller reaps once the areas are settled
    return;
  }
  auto mf = reinterpret_cast<MappedFile*>(v.file);
  if (--mf->refs == 0) {
    mf->node->put();
    delete mf;
  }
}

bool page_aligned(uint64_t v) { return (v & (kPageSize - 1)) == 0; }

// Calls fn(va, pte) for every page in [start, end) of `space` that has a
// frame, skipping quickly over ranges without page tables.
template <typename Fn>
void for_each_frame_in(uint64_t space, uint64_t start, uint64_t end, Fn fn) {
  for (uint64_t va = start; va < end;) {
    uint64_t* pte = paging::lookup_in(space, va);
    if (!pte) {
      va = (va + (1ull << 21)) & ~((1ull << 21) - 1);
      continue;
    }
    if (*pte & (paging::kPresent | kHeld)) fn(va, pte);
    va += kPageSize;
  }
}

template <typename Fn>
void for_each_frame(uint64_t start, uint64_t end, Fn fn) {
  for_each_frame_in(paging::active_space(), start, end, fn);
}

// An entry stops mapping a private frame; the last one frees it.
void put_private(uint64_t pa) {
  if (frame_put(pa)) g_resident--;
}

void release_frames_in(uint64_t space, uint64_t start, uint64_t end) {
  bool active = space == paging::active_space();
  for_each_frame_in(space, start, end, [active](uint64_t va, uint64_t* pte) {
    uint64_t pa = *pte & paging::kAddrMask;
    bool present = *pte & paging::kPresent, owned = !(*pte & (kBorrowed | kSharedFrame));
    *pte = 0;
    if (present && active) paging::flush(va);
    if (owned) put_private(pa);
  });
}

void release_frames(uint64_t start, uint64_t end) {
  release_frames_in(paging::active_space(), start, end);
}

void apply_protection(uint64_t start, uint64_t end, uint32_t prot) {
  for_each_frame(start, end, [prot](uint64_t va, uint64_t* pte) {
    uint64_t pa = *pte & paging::kAddrMask;
    uint64_t kept = *pte & (kBorrowed | kSharedFrame | kCow);
    uint64_t flags = prot ? pte_flags(prot) : kHeld;
    // The first write copies a borrowed or copy-on-write frame, or marks a
    // shared one dirty.
    if (kept) flags &= ~paging::kWritable;
    *pte = pa | flags | kept;
    paging::flush(va);
  });
}

// The page's own copy of a payload frame (copy-on-write of program text).
FaultResult map_private_copy(uint64_t page, uint64_t src_pa, uint32_t prot) {
  uint64_t pa = alloc_frame();
  if (!pa) return FaultResult::OutOfMemory;
  memcpy(phys_to_virt(pa), phys_to_virt(src_pa), kPageSize);
  if (!paging::map(page, pa, pte_flags(prot))) {
    free_frames(pa);
    return FaultResult::OutOfMemory;
  }
  g_resident++;
  return FaultResult::Handled;
}

// A store to a page whose frame is not its alone -- lent from the payload,
// or copy-on-write -- in `space`: the last entry of a shared frame takes it
// back writable, any other gets a copy.
FaultResult make_private(uint64_t space, uint64_t page, uint64_t* pte, uint32_t prot) {
  uint64_t entry = *pte, pa = entry & paging::kAddrMask;
  bool cow = entry & kCow;
  if (cow && !frame_shared(pa)) {
    *pte = pa | pte_flags(prot);
  } else {
    uint64_t copy = alloc_frame();
    if (!copy) return FaultResult::OutOfMemory;
    memcpy(phys_to_virt(copy), phys_to_virt(pa), kPageSize);
    *pte = copy | pte_flags(prot);
    g_resident++;
    if (cow) put_private(pa);  // another entry still maps it
  }
  if (space == paging::active_space()) paging::flush(page);
  return FaultResult::Handled;
}

// A fault on a page that has a frame: a first store, a PROT_NONE page's
// frame taken back, or a stale TLB entry (another thread mapped it first).
FaultResult fault_on_frame(uint64_t page, uint64_t* pte, uint32_t prot, bool write) {
  uint64_t entry = *pte;
  if (write && (entry & (kBorrowed | kCow)))
    return make_private(paging::active_space(), page, pte, prot);
  if (entry & kHeld) {
    uint64_t kept = entry & (kBorrowed | kCow), flags = pte_flags(prot) | kept;
    if (kept) flags &= ~paging::kWritable;
    *pte = (entry & paging::kAddrMask) | flags;
  }
  paging::flush(page);
  return FaultResult::Handled;
}

void on_removed(const Vma& v, void*) {
  release_frames(v.start, v.end);
  if (v.file) file_unref(v);
}

// For tearing down a space that may not be the active one.
void on_removed_in(const Vma& v, void* space) {
  release_frames_in(*static_cast<uint64_t*>(space), v.start, v.end);
  if (v.file) file_unref(v);
}

// Linux's heuristic overcommit: refuse a single request larger than RAM.
bool too_big(uint64_t len) {
  if (len <= total_ram_bytes()) return false;
  kprintf("kiln: out of memory: a %lu MiB mapping exceeds the guest's %lu MiB\n", len >> 20,
          total_ram_bytes() >> 20);
  return true;
}

// The area [start, end) would be if `area` extended over it: same memory
// or file behind it at the matching offset (a new reference to the file).
Vma continuation(const Vma& area, uint64_t start, uint64_t end) {
  Vma v{start, end, area.prot, area.flags, 0, area.file, 0};
  if (area.backing) v.backing = area.backing + (start - area.start);
  if (area.file) {
    v.file_offset = area.file_offset + (start - area.start);
    file_ref(v);
  }
  return v;
}

uint64_t pick_address(uint64_t hint, uint64_t len) {
  AddressSpace& p = mm();
  if (hint && page_aligned(hint) && hint >= kMinAddr && hint + len <= p.mmap_top &&
      !p.vmas.overlaps(hint, hint + len))
    return hint;
  uint64_t at;
  return p.vmas.find_gap(len, kMinAddr, p.mmap_top, &at) ? at : 0;
}

}  // namespace

uint64_t vm_resident_pages() { return g_resident + SharedPages::resident_frames(); }

void vm_init_space(AddressSpace& m) { m.vmas.set_hooks(VmaSet::Hooks{file_ref, file_unref}); }

void vm_release_space(AddressSpace& m) {
  m.vmas.remove(0, paging::kUserTop, on_removed_in, &m.space);
  SharedPages::reap();
}

void vm_release_files(AddressSpace& m) {
  for (;;) {
    size_t i = 0;
    while (i < m.vmas.size() && !m.vmas.at(i).file) i++;
    if (i == m.vmas.size()) break;
    Vma v = m.vmas.at(i);
    if (!m.vmas.remove(v.start, v.end, on_removed_in, &m.space)) break;
  }
  SharedPages::reap();
}

bool vm_copy_space(AddressSpace& from, AddressSpace& to) {
  to.brk_start = from.brk_start;
  to.brk_end = from.brk_end;
  to.mmap_top = from.mmap_top;
  to.stack_top = from.stack_top;
  for (size_t i = 0; i < from.vmas.size(); i++) {
    Vma v = from.vmas.at(i);
    if (!to.vmas.insert(v)) return false;
    if (v.file) file_ref(v);
  }
  // Private frames are shared copy-on-write: both entries read-only until
  // a store (a frame shared too often is copied now). Payload pages lent
  // read-only are lent again, MAP_SHARED frames are shared.
  bool ok = true, demoted = false;
  uint64_t child = to.space;
  for (size_t i = 0; i < from.vmas.size() && ok; i++) {
    const Vma& v = from.vmas.at(i);
    for_each_frame_in(from.space, v.start, v.end, [&](uint64_t va, uint64_t* pte) {
      if (!ok) return;
      uint64_t entry = *pte, pa = entry & paging::kAddrMask;
      bool owned = !(entry & (kBorrowed | kSharedFrame));
      if (owned && frame_share(pa)) {
        if ((entry & paging::kPresent) && (entry & paging::kWritable)) demoted = true;
        entry = (entry & ~paging::kWritable) | kCow;
        *pte = entry;
      } else if (owned) {
        uint64_t copy = alloc_frame();
        if (!copy) {
          ok = false;
          return;
        }
        memcpy(phys_to_virt(copy), phys_to_virt(pa), kPageSize);
        pa = copy;
        g_resident++;
      }
      if (!paging::map_in(child, va, pa, entry & ~paging::kAddrMask)) {
        if (owned) put_private(pa);
        ok = false;
      }
    });
  }
  // The parent runs on: its TLB must lose the entries just made read-only.
  if (demoted && from.space == paging::active_space()) cpu::write_cr3(from.space);
  return ok;
}

bool vm_store_u32_in(AddressSpace& m, uint64_t va, uint32_t value) {
  const Vma* v = m.vmas.find(va);
  if ((va & 3) || !v || !(v->prot & kPROT_WRITE) || shared_pages_of(*v)) return false;
  uint64_t page = page_align_down(va);
  uint64_t* pte = paging::lookup_in(m.space, page);
  if (!pte || !(*pte & paging::kPresent)) return false;
  if ((*pte & (kBorrowed | kCow)) &&
      make_private(m.space, page, pte, v->prot) != FaultResult::Handled)
    return false;
  auto bytes = static_cast<uint8_t*>(phys_to_virt(*pte & paging::kAddrMask));
  memcpy(bytes + (va - page), &value, 4);
  return true;
}

void vm_report_oom(uint64_t addr) {
  kprintf("kiln: out of memory: no frame for address %#lx (%lu MiB resident, %lu MiB of RAM)\n",
          addr, (g_resident * kPageSize) >> 20, total_ram_bytes() >> 20);
}

FaultResult handle_user_fault(uint64_t addr, bool write, bool exec) {
  if (addr >= paging::kUserTop) return FaultResult::Segv;
  const Vma* v = mm().vmas.find(addr);
  if (!v || v->prot == kPROT_NONE) return FaultResult::Segv;
  if ((write && !(v->prot & kPROT_WRITE)) || (exec && !(v->prot & kPROT_EXEC)))
    return FaultResult::Segv;
  uint64_t page = page_align_down(addr);
  if (shared_pages_of(*v)) return shared_fault(*v, page, write);
  uint64_t* pte = paging::lookup(page);
  if (pte && (*pte & (paging::kPresent | kHeld))) return fault_on_frame(page, pte, v->prot, write);
  if (v->file) {
    // A file page: this mapping's private copy, read on first touch.
    uint64_t pa = alloc_frame();
    if (!pa) return FaultResult::OutOfMemory;
    auto mf = reinterpret_cast<MappedFile*>(v->file);
    uint64_t off = v->file_offset + (page - v->start);
    mf->node->read(off, phys_to_virt(pa), kPageSize);
    vm_file_overlay(mf->node, off, static_cast<uint8_t*>(phys_to_virt(pa)), kPageSize);
    if (!paging::map(page, pa, pte_flags(v->prot))) {
      free_frames(pa);
      return FaultResult::OutOfMemory;
    }
    g_resident++;
    return FaultResult::Handled;
  }
  if (v->backing) {
    uint64_t src = v->backing + (page - v->start);
    if (v->prot & kPROT_WRITE) return map_private_copy(page, src, v->prot);
    return paging::map(page, src, pte_flags(v->prot) | kBorrowed) ? FaultResult::Handled
                                                                 : FaultResult::OutOfMemory;
  }
  uint64_t pa = alloc_frame();
  if (!pa) return FaultResult::OutOfMemory;
  if (!paging::map(page, pa, pte_flags(v->prot))) {
    free_frames(pa);
    return FaultResult::OutOfMemory;
  }
  g_resident++;
  return FaultResult::Handled;
}

long vm_map_anonymous(uint64_t start, uint64_t end, uint32_t prot, uint32_t vma_flags) {
  return vm_map_backed(start, end, prot, vma_flags, 0);
}

long vm_map_backed(uint64_t start, uint64_t end, uint32_t prot, uint32_t vma_flags,
                   uint64_t backing) {
  if (!mm().vmas.insert(Vma{start, end, prot, vma_flags, backing})) return -kENOMEM;
  return 0;
}

bool vm_populate(uint64_t start, uint64_t end) {
  for (uint64_t va = page_align_down(start); va < end; va += kPageSize) {
    const Vma* v = mm().vmas.find(va);
    if (!v) return false;
    if (shared_pages_of(*v)) {
      // Read in, not dirtied; a page past a file's end stays out.
      if (v->prot && shared_fault(*v, va, false) == FaultResult::OutOfMemory) return false;
      continue;
    }
    uint64_t* pte = paging::lookup(va);
    bool writable = v->prot & kPROT_WRITE;
    if (pte && (*pte & (paging::kPresent | kHeld)) && !(writable && (*pte & (kBorrowed | kCow))))
      continue;
    if (v->prot) {
      // As if the program touched it (a write, where it may write).
      if (handle_user_fault(va, writable, false) != FaultResult::Handled) return false;
      continue;
    }
    uint64_t pa = alloc_frame();  // PROT_NONE: a frame held for later
    if (!pa || !paging::map(va, pa, 0)) return false;
    *paging::lookup(va) = pa | kHeld;
    g_resident++;
  }
  return true;
}

long vm_mmap_check(uint64_t len, uint64_t prot, uint64_t flags, uint64_t off) {
  uint32_t type = flags & (kMAP_SHARED | kMAP_PRIVATE);
  if (!len || !page_aligned(off)) return -kEINVAL;
  if (type != kMAP_SHARED && type != kMAP_PRIVATE && type != kMAP_SHARED_VALIDATE) return -kEINVAL;
  if (prot & ~uint64_t(kPROT_READ | kPROT_WRITE | kPROT_EXEC)) return -kEINVAL;
  uint64_t size = page_align_up(len);
  if (size < len || size > paging::kUserTop) return -kENOMEM;
  return 0;
}

long vm_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, fs::Node* file,
             bool may_write, uint64_t off) {
  AddressSpace& p = mm();
  uint64_t size = page_align_up(len);
  // Like Linux, only writable private memory counts against RAM: PROT_NONE
  // reservations (glibc's arenas, thread stack guards) are free.
  bool accounted = (prot & kPROT_WRITE) && !(flags & (kMAP_SHARED | kMAP_NORESERVE));
  if (accounted && too_big(size)) return -kENOMEM;
  uint64_t at;
  if (flags & (kMAP_FIXED | kMAP_FIXED_NOREPLACE)) {
    if (!page_aligned(addr)) return -kEINVAL;
    if (addr < kMinAddr || addr + size > paging::kUserTop || addr + size < addr) return -kEPERM;
    if (p.vmas.overlaps(addr, addr + size)) {
      if (flags & kMAP_FIXED_NOREPLACE) return -kEEXIST;
      bool removed = p.vmas.remove(addr, addr + size, on_removed);
      SharedPages::reap();
      if (!removed) return -kENOMEM;
    }
    at = addr;
  } else {
    at = pick_address(addr, size);
    if (!at) return -kENOMEM;
  }
  uint64_t handle = 0;
  uint32_t vflags = 0;
  if (flags & kMAP_SHARED) {
    // Every shared mapping of a file, in any process, maps the same frames;
    // an anonymous one has frames of its own, which fork shares.
    SharedPages* sp = SharedPages::of(file);
    if (!sp) return -kENOMEM;
    handle = reinterpret_cast<uint64_t>(sp);
    vflags = kVmaShared | (may_write ? kVmaMayWrite : 0);
    if (!file) off = 0;
  } else if (file) {
    MappedFile* mf = new MappedFile{file, 1};
    if (!mf) return -kENOMEM;
    file->get();
    handle = reinterpret_cast<uint64_t>(mf);
  }
  Vma v{at, at + size, uint32_t(prot), vflags, 0, handle, off};
  if (!p.vmas.insert(v)) {
    if (handle) file_unref(v);
    SharedPages::reap();
    return -kENOMEM;
  }
  if ((flags & kMAP_POPULATE) && !vm_populate(at, at + size)) {
    vm_report_oom(at);
  }
  return int64_t(at);
}

long sys_munmap(uint64_t addr, uint64_t len) {
  if (!page_aligned(addr) || !len) return -kEINVAL;
  uint64_t end = addr + page_align_up(len);
  if (end > paging::kUserTop || end < addr) return -kEINVAL;
  bool removed = mm().vmas.remove(addr, end, on_removed);
  SharedPages::reap();  // the last mapping of a file writes its pages back
  return removed ? 0 : -kENOMEM;
}

long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot) {
  if (!page_aligned(addr)) return -kEINVAL;
  if (prot & ~uint64_t(kPROT_READ | kPROT_WRITE | kPROT_EXEC | kPROT_GROWSDOWN)) return -kEINVAL;
  prot &= kPROT_READ | kPROT_WRITE | kPROT_EXEC;
  uint64_t end = addr + page_align_up(len);
  if (end < addr || end > paging::kUserTop) return -kENOMEM;
  if (addr == end) return 0;
  if (prot & kPROT_WRITE) {
    // A shared mapping of a file opened read-only stays read-only.
    const VmaSet& set = mm().vmas;
    for (size_t i = 0; i < set.size(); i++) {
      const Vma& v = set.at(i);
      SharedPages* sp = shared_pages_of(v);
      if (v.end > addr && v.start < end && sp && sp->node() && !(v.flags & kVmaMayWrite))
        return -kEACCES;
    }
  }
  if (!mm().vmas.protect(addr, end, uint32_t(prot))) return -kENOMEM;
  apply_protection(addr, end, uint32_t(prot));
  return 0;
}

long sys_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
                uint64_t new_addr) {
  AddressSpace& p = mm();
  constexpr uint64_t kKnown = kMREMAP_MAYMOVE | kMREMAP_FIXED | kMREMAP_DONTUNMAP;
  if (!page_aligned(old_addr) || flags & ~kKnown) return -kEINVAL;
  if ((flags & kMREMAP_FIXED) && !(flags & kMREMAP_MAYMOVE)) return -kEINVAL;
  uint64_t old_size = page_align_up(old_len), new_size = page_align_up(new_len);
  if (!new_size) return -kEINVAL;
  const Vma* v = p.vmas.find(old_addr);
  if (!v || old_addr + old_size > v->end) return -kEFAULT;
  Vma area = *v;
  if (!(flags & kMREMAP_FIXED)) {
    if (new_size <= old_size) {
      if (new_size < old_size) p.vmas.remove(old_addr + new_size, old_addr + old_size, on_removed);
      return int64_t(old_addr);
    }
    // Grow in place when the room after it is free.
    uint64_t tail = old_addr + old_size;
    if (tail == area.end && tail + (new_size - old_size) <= p.mmap_top &&
        !p.vmas.overlaps(tail, old_addr + new_size)) {
      if (too_big(new_size)) return -kENOMEM;
      Vma grown = continuation(area, tail, old_addr + new_size);
      if (!p.vmas.insert(grown)) {
        if (grown.file) file_unref(grown);
        return -kENOMEM;
      }
      return int64_t(old_addr);
    }
    if (!(flags & kMREMAP_MAYMOVE)) return -kENOMEM;
    new_addr = pick_address(0, new_size);
    if (!new_addr) return -kENOMEM;
  } else {
    if (!page_aligned(new_addr) || new_addr + new_size > paging::kUserTop) return -kEINVAL;
    if (new_addr < old_addr + old_size && old_addr < new_addr + new_size) return -kEINVAL;
    p.vmas.remove(new_addr, new_addr + new_size, on_removed);
  }
  Vma dest = continuation(area, old_addr, old_addr + new_size);
  dest.start = new_addr;
  dest.end = new_addr + new_size;
  if (!p.vmas.insert(dest)) {
    if (dest.file) file_unref(dest);
    return -kENOMEM;
  }
  // Move the frames, not their contents.
  uint64_t moved = old_size < new_size ? old_size : new_size;
  for (uint64_t off = 0; off < moved; off += kPageSize) {
    uint64_t* pte = paging::lookup(old_addr + off);
    if (!pte || !(*pte & (paging::kPresent | kHeld))) continue;
    uint64_t entry = *pte;
    *pte = 0;
    paging::flush(old_addr + off);
    if (!paging::map(new_addr + off, entry & paging::kAddrMask, entry & ~paging::kAddrMask) &&
        !(entry & (kBorrowed | kSharedFrame)))
      put_private(entry & paging::kAddrMask);
  }
  p.vmas.remove(old_addr, old_addr + old_size, on_removed);
  SharedPages::reap();
  return int64_t(new_addr);
}

long sys_brk(uint64_t addr) {
  AddressSpace& p = mm();
  if (addr < p.brk_start) return int64_t(p.brk_end);
  uint64_t old_top = page_align_up(p.brk_end), new_top = page_align_up(addr);
  if (new_top > old_top) {
    if (p.vmas.overlaps(old_top, new_top) || new_top > p.mmap_top) return int64_t(p.brk_end);
    if (too_big(new_top - p.brk_start)) return int64_t(p.brk_end);
    if (!p.vmas.insert(Vma{old_top, new_top, kPROT_READ | kPROT_WRITE, kVmaHeap}))
      return int64_t(p.brk_end);
  } else if (new_top < old_top) {
    p.vmas.remove(new_top, old_top, on_removed);
  }
  p.brk_end = addr;
  return int64_t(addr);
}

long sys_madvise(uint64_t addr, uint64_t len, uint64_t advice) {
  // The advice values Linux 6.1 knows (MADV_NORMAL .. MADV_COLLAPSE).
  bool known = advice <= kMADV_DONTNEED || (advice >= kMADV_FREE && advice <= kMADV_COLLAPSE);
  if (!known || !page_aligned(addr)) return -kEINVAL;
  uint64_t end = addr + page_align_up(len);
  if (end < addr) return -kEINVAL;
  if (!mm().vmas.covered(addr, end)) return -kENOMEM;
  if (advice == kMADV_DONTNEED || advice == kMADV_FREE || advice == kMADV_REMOVE) {
    // Private anonymous memory: the next touch sees zeros, as on Linux.
    release_frames(addr, end);
  }
  return 0;
}

}  // namespace kiln

namespace kiln {

bool vm_file_mapped_writable(fs::Node* node) {
  SharedPages* sp = SharedPages::find(node);
  if (!sp) return false;
  for (AddressSpace* m = mm_first(); m; m = mm_next(m))
    for (size_t i = 0; i < m->vmas.size(); i++) {
      const Vma& v = m->vmas.at(i);
      if (shared_pages_of(v) == sp && (v.flags & kVmaMayWrite)) return true;
    }
  return false;
}

}  // namespace kiln
