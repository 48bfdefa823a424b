#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "core/memory.h"
#include "core/panic.h"

extern "C" char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[],
    _kernel_end[];

namespace kiln::paging {
namespace {

uint64_t g_pml4_pa;  // the kernel's space: the upper half every space shares
uint64_t g_active;   // the space in CR3
uint64_t g_mmio_next = 0xffffe00000000000ull;
// init() also makes the top-level entries of the kernel regions filled
// later (thread stacks, the MMIO window), before any space copies them.

uint64_t* table(uint64_t pa) { return static_cast<uint64_t*>(phys_to_virt(pa)); }
unsigned index(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

// Walks to the level-0 table of `space` (kernel addresses: always the
// kernel's, which all spaces share), creating tables when asked.
uint64_t* walk(uint64_t space, uint64_t va, bool create) {
  uint64_t* t = table(va < kUserTop ? space : g_pml4_pa);
  uint64_t inter = kPresent | kWritable | (va < kUserTop ? kUser : 0);
  for (int level = 3; level > 0; level--) {
    uint64_t& e = t[index(va, level)];
    if (!(e & kPresent)) {
      if (!create) return nullptr;
      uint64_t pa = alloc_frame();
      if (!pa) return nullptr;
      e = pa | inter;
    } else if (e & kHuge) {
      return nullptr;
    }
    t = table(e & kAddrMask);
  }
  return &t[index(va, 0)];
}

void map_range_4k(uint64_t va, uint64_t end, uint64_t flags) {
  for (; va < end; va += kPageSize)
    if (!map(va, va - kKernelBase, flags)) panic("out of memory building kernel page tables");
}

void make_top_entry(uint64_t va) {
  uint64_t& e = table(g_pml4_pa)[index(va, 3)];
  if (e & kPresent) return;
  uint64_t pa = alloc_frame();
  if (!pa) panic("out of memory for page tables");
  e = pa | kPresent | kWritable;
}

// Frees the tables under `t` at `level` (3: a top table's lower half).
void free_tables(uint64_t* t, int level, unsigned limit) {
  for (unsigned i = 0; i < limit; i++) {
    if (!(t[i] & kPresent) || (t[i] & kHuge)) continue;
    uint64_t pa = t[i] & kAddrMask;
    if (level > 1) free_tables(table(pa), level - 1, 512);
    free_frames(pa);
    t[i] = 0;
  }
}

}  // namespace

void init(uint64_t ram_top) {
  g_pml4_pa = alloc_frame();
  if (!g_pml4_pa) panic("out of memory for page tables");
  // Direct map with 2 MiB pages.
  uint64_t top = (ram_top + (1ull << 21) - 1) & ~((1ull << 21) - 1);
  for (uint64_t pa = 0; pa < top; pa += 1ull << 21) {
    uint64_t va = kDirectMapBase + pa;
    uint64_t* t = table(g_pml4_pa);
    for (int level = 3; level > 1; level--) {
      uint64_t& e = t[index(va, level)];
      if (!(e & kPresent)) {
        uint64_t npa = alloc_frame();
        if (!npa) panic("out of memory for page tables");
        e = npa | kPresent | kWritable;
      }
      t = table(e & kAddrMask);
    }
    t[index(va, 1)] = pa | kPresent | kWritable | kHuge | kGlobal | kNoExecute;
  }
  auto v = [](char* p) { return reinterpret_cast<uint64_t>(p); };
  map_range_4k(v(_text_start), v(_text_end), kPresent | kGlobal);
  map_range_4k(page_align_down(v(_rodata_start)), page_align_up(v(_rodata_end)),
               kPresent | kGlobal | kNoExecute);
  map_range_4k(v(_data_start), v(_kernel_end), kPresent | kWritable | kGlobal | kNoExecute);
  make_top_entry(kStackRegion);
  make_top_entry(g_mmio_next);

  uint64_t cr4 = cpu::read_cr4() | (1u << 7);  // PGE
  auto features = cpu::cpuid(7, 0);
  if (features.ebx & (1u << 7)) cr4 |= 1u << 20;  // SMEP
  if (features.ebx & (1u << 20)) {
    cr4 |= 1u << 21;  // SMAP
    g_smap = true;
  }
  cpu::write_cr3(g_pml4_pa);
  g_active = g_pml4_pa;
  cpu::write_cr4(cr4);
  cpu::write_cr0(cpu::read_cr0() | (1u << 16));  // WP: read-only applies to the kernel too
}

uint64_t kernel_space() { return g_pml4_pa; }

uint64_t create_space() {
  uint64_t pa = alloc_frame();
  if (!pa) return 0;
  uint64_t* t = table(pa);
  const uint64_t* k = table(g_pml4_pa);
  for (unsigned i = 0; i < 256; i++) t[i] = 0;
  for (unsigned i = 256; i < 512; i++) t[i] = k[i];
  return pa;
}

void destroy_space(uint64_t space) {
  if (space == g_pml4_pa || space == g_active) panic("destroying the kernel's or the active space");
  free_tables(table(space), 3, 256);
  free_frames(space);
}

void activate(uint64_t space) {
  if (space == g_active) return;
  cpu::write_cr3(space);
  g_active = space;
}

uint64_t active_space() { return g_active; }

bool map_in(uint64_t space, uint64_t va, uint64_t pa, uint64_t flags) {
  uint64_t* pte = walk(space, va, true);
  if (!pte) return false;
  bool was_present = *pte & kPresent;
  *pte = (pa & kAddrMask) | flags;
  if (was_present && (va >= kUserTop || space == g_active)) cpu::invlpg(va);
  return true;
}

uint64_t* lookup_in(uint64_t space, uint64_t va) { return walk(space, va, false); }

bool map(uint64_t va, uint64_t pa, uint64_t flags) { return map_in(g_active, va, pa, flags); }

uint64_t unmap(uint64_t va) {
  uint64_t* pte = walk(g_active, va, false);
  if (!pte || !(*pte & kPresent)) return 0;
  uint64_t old = *pte;
  *pte = 0;
  cpu::invlpg(va);
  return old;
}

uint64_t* lookup(uint64_t va) { return walk(g_active, va, false); }

void flush(uint64_t va) { cpu::invlpg(va); }

void* map_mmio(uint64_t pa, uint64_t size) {
  uint64_t base = g_mmio_next;
  uint64_t off = pa & (kPageSize - 1);
  uint64_t pages = page_align_up(off + size) / kPageSize;
  for (uint64_t i = 0; i < pages; i++) {
    if (!map(base + i * kPageSize, page_align_down(pa) + i * kPageSize,
             kPresent | kWritable | kCacheDisable | kWriteThrough | kNoExecute))
      panic("out of memory mapping device memory");
  }
  g_mmio_next += (pages + 1) * kPageSize;
  return reinterpret_cast<void*>(base + off);
}

}  // namespace kiln::paging
