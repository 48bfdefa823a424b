#include "proc/exec.h"

#include "abi/linux/auxvec.h"
#include "abi/linux/errno.h"
#include "abi/linux/time.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/memory.h"
#include "core/payload.h"
#include "core/random.h"
#include "lib/mem.h"
#include "proc/process.h"
#include "mm/vm.h"
#include "file/vfs.h"
#include "core/heap.h"

namespace kiln {
namespace {

constexpr uint64_t kPieBase = 0x555555554000ull;  // where Linux puts PIE programs (no ASLR)
constexpr uint64_t kStackTop = 0x7ffffffff000ull;
constexpr uint64_t kStackSize = 8ull << 20;       // RLIMIT_STACK default
constexpr uint64_t kMmapTop = kStackTop - kStackSize - (1ull << 30);
constexpr size_t kMaxStrings = 512;

uint32_t prot_of(uint32_t pflags) {
  return ((pflags & elf::kPfR) ? kPROT_READ : 0) | ((pflags & elf::kPfW) ? kPROT_WRITE : 0) |
         ((pflags & elf::kPfX) ? kPROT_EXEC : 0);
}

// Writes into the program's memory through the direct map, so that
// read-only pages (text) can be filled too.
bool poke(uint64_t va, const void* src, size_t n) {
  auto s = static_cast<const uint8_t*>(src);
  while (n) {
    uint64_t* pte = paging::lookup(page_align_down(va));
    if (!pte) return false;
    uint64_t off = va & (kPageSize - 1);
    size_t chunk = kPageSize - off < n ? kPageSize - off : n;
    memcpy(static_cast<uint8_t*>(phys_to_virt(*pte & paging::kAddrMask)) + off, s, chunk);
    va += chunk;
    s += chunk;
    n -= chunk;
  }
  return true;
}

// A read-only segment whose bytes all come from the file is mapped straight
// from the image in memory -- the payload, or the frames execve read the
// file into -- with no copy and no RAM of its own; anything else is copied
// into fresh pages, with its bss zeroed.
bool map_in_place(const elf::Segment& s, uint64_t image_pa) {
  return image_pa && !(image_pa & (kPageSize - 1)) && !(s.flags & elf::kPfW) && s.memsz == s.filesz;
}

// Maps every PT_LOAD of `img` (whose bytes are `data`) at `bias`. Payload
// images (in_place) lend their read-only pages; others are copied.
bool load_segments(AddressSpace& p, const elf::Image& img, const uint8_t* data, uint64_t bias,
                   bool in_place_ok, uint64_t* end_out, const char** error) {
  uint64_t image_pa = in_place_ok ? virt_to_phys(data) : 0;
  for (size_t i = 0; i < img.segment_count(); i++) {
    elf::Segment s = img.segment(i);
    if (s.type != elf::kPtLoad || s.memsz == 0) continue;
    uint64_t start = page_align_down(bias + s.vaddr);
    uint64_t end = page_align_up(bias + s.vaddr + s.memsz);
    if (end > kMmapTop || start < 0x1000) {
      *error = "a segment lies outside the program's address range";
      return false;
    }
    uint32_t prot = prot_of(s.flags);
    bool in_place = map_in_place(s, image_pa);
    // ELF makes vaddr and offset congruent modulo the page size.
    uint64_t backing = image_pa + page_align_down(s.offset);
    // Segments may share a page at their edges: that page gets both
    // protections, and unless it already maps the same file page, this
    // segment's bytes are written into it below.
    bool copy_needed = !in_place;
    for (uint64_t va = start; va < end; va += kPageSize) {
      long r;
      if (const Vma* v = p.vmas.find(va)) {
        copy_needed |= !v->backing;
        r = p.vmas.protect(va, va + kPageSize, v->prot | prot) ? 0 : -kENOMEM;
      } else {
        r = in_place ? vm_map_backed(va, va + kPageSize, prot, 0, backing + (va - start))
                     : vm_map_anonymous(va, va + kPageSize, prot, 0);
      }
      if (r < 0) {
        *error = "too many memory areas";
        return false;
      }
    }
    if (end > *end_out) *end_out = end;
    if (!copy_needed) continue;
    if (!vm_populate(start, end)) {
      *error = "out of memory loading the program";
      return false;
    }
    // A page shared with an in-place segment starts as a copy of the file
    // page: the bss part of it must read as zeros.
    uint64_t file_end = bias + s.vaddr + s.filesz;
    uint64_t zero_end = bias + s.vaddr + s.memsz;
    if (zero_end > page_align_up(file_end)) zero_end = page_align_up(file_end);
    static const uint8_t zeros[kPageSize] = {};
    if (!poke(bias + s.vaddr, data + s.offset, s.filesz) ||
        !poke(file_end, zeros, zero_end - file_end)) {
      *error = "cannot write the program's segments";
      return false;
    }
  }
  // Protections of shared edge pages changed after population: refresh the PTEs.
  for (size_t i = 0; i < p.vmas.size(); i++) {
    const Vma& v = p.vmas.at(i);
    (void)sys_mprotect(v.start, v.end - v.start, v.prot);  // a VMA's own range and protection
  }
  return true;
}

struct StackWriter {
  uint64_t sp;
  bool ok = true;
  uint64_t push_bytes(const void* data, size_t n) {
    sp -= n;
    ok &= poke(sp, data, n);
    return sp;
  }
  uint64_t push_string(const char* s) { return push_bytes(s, strlen(s) + 1); }
};

// The initial stack; the program starts at `start` (its entry, or the
// interpreter's, loaded at `interp_base`).
bool build_stack(AddressSpace& p, const ExecArgs& a, uint64_t entry, uint64_t phdr,
                 uint64_t interp_base, uint64_t start, TrapFrame* frame) {
  if (vm_map_anonymous(kStackTop - kStackSize, kStackTop, kPROT_READ | kPROT_WRITE, kVmaStack) < 0)
    return false;
  // Populate the top 64 KiB; the rest arrives on first touch.
  if (!vm_populate(kStackTop - 65536, kStackTop)) return false;
  StackWriter w{kStackTop};
  w.push_bytes("\0\0\0\0\0\0\0", 8);
  uint64_t execfn = w.push_string(a.execfn);
  uint64_t platform = w.push_string("x86_64");
  uint8_t rnd[16];
  random_bytes(rnd, sizeof rnd);
  uint64_t random = w.push_bytes(rnd, sizeof rnd);
  uint64_t argv_at[kMaxStrings], env_at[kMaxStrings];
  if (a.argc > kMaxStrings || a.envc > kMaxStrings) return false;
  for (size_t i = a.envc; i-- > 0;) env_at[i] = w.push_string(a.envp[i]);
  for (size_t i = a.argc; i-- > 0;) argv_at[i] = w.push_string(a.argv[i]);

  const uint64_t auxv[][2] = {
      {kAT_PHDR, phdr},
      {kAT_PHENT, process().elf.phentsize()},
      {kAT_PHNUM, process().elf.phnum()},
      {kAT_PAGESZ, kPageSize},
      {kAT_BASE, interp_base},
      {kAT_FLAGS, 0},
      {kAT_ENTRY, entry},
      {kAT_UID, 0},
      {kAT_EUID, 0},
      {kAT_GID, 0},
      {kAT_EGID, 0},
      {kAT_SECURE, 0},
      {kAT_CLKTCK, uint64_t(kUSER_HZ)},
      {kAT_HWCAP, cpu::cpuid(1).edx},
      {kAT_HWCAP2, 0},
      {kAT_PLATFORM, platform},
      {kAT_RANDOM, random},
      {kAT_EXECFN, execfn},
      {kAT_MINSIGSTKSZ, fpu::state_size() + 1024},
      {kAT_NULL, 0},
  };
  size_t words = 1 + a.argc + 1 + a.envc + 1 + sizeof(auxv) / 8;
  w.sp = (w.sp - words * 8) & ~uint64_t(15);
  uint64_t sp = w.sp;
  auto put = [&](uint64_t v) {
    w.ok &= poke(w.sp, &v, 8);
    w.sp += 8;
  };
  put(a.argc);
  for (size_t i = 0; i < a.argc; i++) put(argv_at[i]);
  put(0);
  for (size_t i = 0; i < a.envc; i++) put(env_at[i]);
  put(0);
  for (const auto& pair : auxv) {
    put(pair[0]);
    put(pair[1]);
  }
  if (!w.ok) return false;

  memset(frame, 0, sizeof *frame);
  frame->rip = start;
  frame->rsp = sp;
  frame->cs = kUserCs;
  frame->ss = kUserDs;
  frame->rflags = 0x202;  // IF
  p.stack_top = kStackTop;
  return true;
}

// Reads the program interpreter (PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2)
// from the file tree into a kernel buffer.
long read_interpreter(const char* path, size_t len, uint8_t** out, size_t* size) {
  char name[256];
  if (len == 0 || len >= sizeof name) return -kENAMETOOLONG;
  memcpy(name, path, len);
  name[len] = 0;
  fs::Location loc;
  long r = vfs().resolve(cwd(), name, fs::kFollow, &loc, nullptr, process_top());
  if (r < 0) return r;
  return read_program_file(loc, false, out, size);
}

uint64_t find_phdr(const elf::Image& img, uint64_t bias) {
  // AT_PHDR: PT_PHDR if present, else the headers inside the first segment.
  for (size_t i = 0; i < img.segment_count(); i++) {
    elf::Segment s = img.segment(i);
    if (s.type == elf::kPtPhdr) return bias + s.vaddr;
  }
  for (size_t i = 0; i < img.segment_count(); i++) {
    elf::Segment s = img.segment(i);
    if (s.type == elf::kPtLoad && s.offset <= img.phdr_offset() &&
        img.phdr_offset() < s.offset + s.filesz)
      return bias + s.vaddr + (img.phdr_offset() - s.offset);
  }
  return 0;
}

// Loads the interpreter below the mmap area's top, as Linux places ld.so;
// returns its base (AT_BASE) and entry, or false with *error set.
bool load_interpreter(AddressSpace& p, const char* path, size_t len, uint64_t* base,
                      uint64_t* entry, const char** error) {
  uint8_t* data;
  size_t size;
  if (read_interpreter(path, len, &data, &size) < 0) {
    *error = "cannot read the program interpreter (bake the program with its libraries)";
    return false;
  }
  elf::Image img;
  bool ok = false;
  const char* interp;
  size_t interp_len;
  if (img.parse(data, size) != elf::Error::None || !img.is_dyn() ||
      img.interp(&interp, &interp_len)) {
    *error = "the program interpreter is not a usable ELF shared object";
  } else {
    uint64_t span = page_align_up(img.max_vaddr()) - page_align_down(img.min_vaddr());
    uint64_t at;
    if (!p.vmas.find_gap(span, 0x10000, p.mmap_top, &at)) {
      *error = "no room for the program interpreter";
    } else {
      *base = at - page_align_down(img.min_vaddr());
      uint64_t end = 0;
      ok = load_segments(p, img, data, *base, false, &end, error);
      *entry = *base + img.entry();
    }
  }
  free_program_file(data, size);
  return ok;
}

}  // namespace

long read_program_file(fs::Location loc, bool executable, uint8_t** out, size_t* size) {
  fs::Attr a;
  long r = loc.node->getattr(&a);
  if (r == 0 && (a.mode & kS_IFMT) != kS_IFREG) r = -kEACCES;
  if (r == 0 && executable && !(a.mode & 0111)) r = -kEACCES;
  if (r == 0 && a.size > (512u << 20)) r = -kENOMEM;
  // A baked file runs from the payload itself, as the first program does.
  uint64_t resident_size;
  const uint8_t* resident = r == 0 ? loc.node->resident_contents(&resident_size) : nullptr;
  if (resident && resident_size == a.size && payload_contains(resident)) {
    fs::location_put(loc);
    *out = const_cast<uint8_t*>(resident);
    *size = a.size;
    return 0;
  }
  uint64_t pa = r == 0 ? alloc_frames(page_align_up(a.size ? a.size : 1) / kPageSize) : 0;
  auto buf = pa ? static_cast<uint8_t*>(phys_to_virt(pa)) : nullptr;
  if (r == 0 && !buf) r = -kENOMEM;
  if (r == 0) {
    long n = loc.node->read(0, buf, a.size);
    r = n == long(a.size) ? 0 : (n < 0 ? n : -kEIO);
  }
  fs::location_put(loc);
  if (r < 0) {
    free_program_file(buf, a.size);
    return r;
  }
  *out = buf;
  *size = a.size;
  return 0;
}

void free_program_file(uint8_t* data, size_t size) {
  if (data && !payload_contains(data)) free_frames(virt_to_phys(data), page_align_up(size ? size : 1) / kPageSize);
}

bool exec_load(const uint8_t* image, size_t size, const ExecArgs& args, TrapFrame* frame,
               const char** error) {
  Process& p = process();
  AddressSpace& m = mm();
  p.image = image;
  p.image_size = size;
  elf::Error e = p.elf.parse(image, size);
  if (e != elf::Error::None) {
    *error = elf::error_string(e);
    return false;
  }
  uint64_t bias = p.elf.is_dyn() ? kPieBase - page_align_down(p.elf.min_vaddr()) : 0;
  p.load_bias = bias;
  m.mmap_top = kMmapTop;
  uint64_t end = 0;
  if (!load_segments(m, p.elf, image, bias, true, &end, error)) return false;
  m.brk_start = m.brk_end = end;

  uint64_t entry = bias + p.elf.entry(), start = entry, interp_base = 0;
  const char* interp;
  size_t interp_len;
  if (p.elf.interp(&interp, &interp_len) &&
      !load_interpreter(m, interp, interp_len, &interp_base, &start, error))
    return false;

  const char* exe = args.exe ? args.exe : args.execfn;
  size_t n = strlen(exe);
  if (n >= sizeof p.exe_path) n = sizeof p.exe_path - 1;
  memcpy(p.exe_path, exe, n);
  p.exe_path[n] = 0;
  p.argv = args.argv;
  p.argc = args.argc;
  p.envp = args.envp;
  p.envc = args.envc;
  if (!build_stack(m, args, entry, find_phdr(p.elf, bias), interp_base, start, frame)) {
    *error = "out of memory building the program's stack";
    return false;
  }
  return true;
}

}  // namespace kiln
