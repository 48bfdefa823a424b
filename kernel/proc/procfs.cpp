#include "proc/procfs.h"

#include <stdarg.h>

#include "abi/linux/dirent.h"
#include "abi/linux/limits.h"
#include "abi/linux/statfs.h"
#include "abi/linux/time.h"
#include "arch/x86_64/cpu.h"
#include "core/clock.h"
#include "core/heap.h"
#include "core/memory.h"
#include "core/random.h"
#include "core/thread.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "file/file.h"
#include "proc/process.h"
#include "file/vfs.h"
#include "mm/vm.h"

namespace kiln {
namespace {

// A growing text buffer for generated files.
struct Text {
  char* buf = nullptr;
  size_t len = 0, cap = 0;
  bool ok = true;
  ~Text() { kfree(buf); }
  void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    for (;;) {
      va_list ap;
      va_start(ap, fmt);
      size_t room = cap - len;
      size_t n = buf ? vformat(buf + len, room, fmt, ap) : room + 1;
      va_end(ap);
      if (n < room) {
        len += n;
        return;
      }
      if (!grow(n + 1)) return;
    }
  }
  void bytes(const char* s, size_t n) {
    if (len + n > cap && !grow(n)) return;
    memcpy(buf + len, s, n);
    len += n;
  }
  bool grow(size_t need) {
    size_t ncap = cap ? cap * 2 : 4096;
    while (ncap < len + need) ncap *= 2;
    auto nb = static_cast<char*>(kmalloc(ncap));
    if (!nb) return ok = false;
    if (buf) memcpy(nb, buf, len);
    kfree(buf);
    buf = nb;
    cap = ncap;
    return true;
  }
};

using Generator = void (*)(Text&);

void gen_cmdline(Text& t) {
  for (size_t i = 0; i < process().argc; i++) t.bytes(process().argv[i], strlen(process().argv[i]) + 1);
}
void gen_environ(Text& t) {
  for (size_t i = 0; i < process().envc; i++) t.bytes(process().envp[i], strlen(process().envp[i]) + 1);
}
const char* comm() {
  const char* slash = process().exe_path;
  for (const char* p = process().exe_path; *p; p++)
    if (*p == '/') slash = p + 1;
  return slash;
}
uint64_t vm_size_kib() {
  uint64_t total = 0;
  for (size_t i = 0; i < mm().vmas.size(); i++)
    total += mm().vmas.at(i).end - mm().vmas.at(i).start;
  return total >> 10;
}
void gen_status(Text& t) {
  uint64_t rss = vm_resident_pages() * 4;
  Process& p = process();
  int ppid = p.parent ? p.parent->pid : 0;
  t.add("Name:\t%.15s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
        "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n"
        "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\n"
        "Threads:\t%d\nSigQ:\t0/%d\nSigPnd:\t%016lx\nSigBlk:\t%016lx\n"
        "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n"
        "nonvoluntary_ctxt_switches:\t0\n",
        comm(), p.umask, p.pid, p.pid, ppid, FdTable::kMax, vm_size_kib(), vm_size_kib(), rss, rss,
        thread_count(&process()), 4096, current_thread()->pending_signals, current_thread()->signal_mask);
}
void gen_stat(Text& t) {
  uint64_t ticks = monotonic_ns() / (1000000000 / kUSER_HZ);
  Process& p = process();
  t.add("%d (%.15s) R %d %d %d 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %d 0 0 %lu %lu "
        "18446744073709551615 0 0 %lu 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
        p.pid, comm(), p.parent ? p.parent->pid : 0, p.pid, p.pid, ticks, thread_count(&p), vm_size_kib() << 10, vm_resident_pages(),
        mm().stack_top);
}
void gen_statm(Text& t) {
  t.add("%lu %lu 0 0 0 0 0\n", vm_size_kib() / 4, vm_resident_pages());
}
void gen_maps(Text& t) {
  AddressSpace& p = mm();
  for (size_t i = 0; i < p.vmas.size(); i++) {
    const Vma& v = p.vmas.at(i);
    const char* name = "";
    if (v.flags & kVmaStack) name = "[stack]";
    else if (v.flags & kVmaHeap) name = "[heap]";
    else if (v.backing) name = process().exe_path;
    t.add("%08lx-%08lx %c%c%c%c 00000000 00:00 0%s%s\n", v.start, v.end,
          (v.prot & kPROT_READ) ? 'r' : '-', (v.prot & kPROT_WRITE) ? 'w' : '-',
          (v.prot & kPROT_EXEC) ? 'x' : '-', (v.flags & kVmaShared) ? 's' : 'p',
          *name ? "                          " : "", name);
  }
}
void gen_mounts(Text& t) {
  for (fs::Mount* m = vfs().first_mount(); m; m = vfs().next_mount(m))
    t.add("%s %s %s %s 0 0\n", m->source, m->path, m->fs->type_name(),
          m->fs->read_only() ? "ro" : "rw");
}
void gen_cpuinfo(Text& t) {
  char brand[49] = {};
  for (uint32_t i = 0; i < 3; i++) {
    auto r = cpu::cpuid(0x80000002 + i);
    memcpy(brand + 16 * i, &r, 16);
  }
  auto id = cpu::cpuid(1);
  t.add("processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: %u\nmodel\t\t: %u\n"
        "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %lu.000\ncache size\t: 4096 KB\n"
        "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\n"
        "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\n"
        "flags\t\t: fpu de tsc msr pae cx8 apic cmov pat clflush mmx fxsr sse sse2 syscall nx "
        "lm pni ssse3 cx16 sse4_1 sse4_2 popcnt xsave avx rdrand\nbogomips\t: %lu.00\n"
        "clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 40 bits physical, 48 bits "
        "virtual\n\n",
        (id.eax >> 8) & 15, (id.eax >> 4) & 15, brand, id.eax & 15,
        tsc_frequency() / 1000000, tsc_frequency() / 500000);
}
void gen_meminfo(Text& t) {
  uint64_t total = total_ram_bytes() >> 10, free = page_allocator().free_frames() * 4;
  t.add("MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
        "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
        "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n"
        "Slab:           %8lu kB\nCommitLimit:    %8lu kB\nHugePagesize:       2048 kB\n",
        total, free, free, uint64_t(kernel_heap().stats().pages_held * 4), total);
}
void gen_stat_global(Text& t) {
  uint64_t ticks = monotonic_ns() / (1000000000 / kUSER_HZ);
  t.add("cpu  %lu 0 0 0 0 0 0 0 0 0\ncpu0 %lu 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime %ld\n"
        "processes 1\nprocs_running 1\nprocs_blocked 0\n",
        ticks, ticks, (realtime_ns() - int64_t(monotonic_ns())) / 1000000000);
}
void gen_uptime(Text& t) {
  uint64_t cs = monotonic_ns() / 10000000;
  t.add("%lu.%02lu 0.00\n", cs / 100, cs % 100);
}
void gen_loadavg(Text& t) { t.add("0.00 0.00 0.00 1/%d 1\n", thread_count(&process())); }
void gen_version(Text& t) { t.add("Linux version 6.1.0-kiln (kiln) #1 SMP kiln 0.1\n"); }
void gen_filesystems(Text& t) {
  t.add("nodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n\text2\n\tiso9660\n");
}
void gen_hostname(Text& t) { t.add("%s\n", process().hostname); }
void gen_ostype(Text& t) { t.add("Linux\n"); }
void gen_osrelease(Text& t) { t.add("6.1.0-kiln\n"); }
void gen_somaxconn(Text& t) { t.add("4096\n"); }
void gen_pid_max(Text& t) { t.add("4194304\n"); }
void gen_overcommit(Text& t) { t.add("0\n"); }
void gen_ngroups(Text& t) { t.add("65536\n"); }
void gen_boot_id(Text& t) {
  static char id[37];
  if (!id[0]) {
    uint8_t r[16];
    random_bytes(r, sizeof r);
    format(id, sizeof id, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
           r[13], r[14], r[15]);
  }
  t.add("%s\n", id);
}

// The tree. Directories list children; symlinks and files are leaves.
enum class Kind : uint8_t { Dir, File, Link, FdDir, FdLink };
struct Entry {
  const char* name;
  Kind kind;
  Generator gen;           // File: content; Link: target
  const Entry* children;   // Dir
  uint16_t ino;
};

void link_self(Text& t) { t.add("1"); }
void link_exe(Text& t) { t.add("%s", process().exe_path); }
void link_root(Text& t) { t.add("/"); }
void link_mounts(Text& t) { t.add("self/mounts"); }

const Entry kEnd = {nullptr, Kind::File, nullptr, nullptr, 0};
const Entry kPid[] = {
    {"cmdline", Kind::File, gen_cmdline, nullptr, 20}, {"environ", Kind::File, gen_environ, nullptr, 21},
    {"status", Kind::File, gen_status, nullptr, 22},   {"stat", Kind::File, gen_stat, nullptr, 23},
    {"statm", Kind::File, gen_statm, nullptr, 24},     {"maps", Kind::File, gen_maps, nullptr, 25},
    {"mounts", Kind::File, gen_mounts, nullptr, 26},   {"exe", Kind::Link, link_exe, nullptr, 27},
    {"cwd", Kind::Link, link_root, nullptr, 28},       {"root", Kind::Link, link_root, nullptr, 29},
    {"fd", Kind::FdDir, nullptr, nullptr, 30},         kEnd};
const Entry kRandom[] = {{"boot_id", Kind::File, gen_boot_id, nullptr, 60}, kEnd};
const Entry kKernel[] = {{"hostname", Kind::File, gen_hostname, nullptr, 50},
                         {"ostype", Kind::File, gen_ostype, nullptr, 51},
                         {"osrelease", Kind::File, gen_osrelease, nullptr, 52},
                         {"pid_max", Kind::File, gen_pid_max, nullptr, 53},
                         {"ngroups_max", Kind::File, gen_ngroups, nullptr, 54},
                         {"random", Kind::Dir, nullptr, kRandom, 55},
                         kEnd};
const Entry kNetCore[] = {{"somaxconn", Kind::File, gen_somaxconn, nullptr, 70}, kEnd};
const Entry kNet[] = {{"core", Kind::Dir, nullptr, kNetCore, 71}, kEnd};
const Entry kVm[] = {{"overcommit_memory", Kind::File, gen_overcommit, nullptr, 80}, kEnd};
const Entry kSys[] = {{"kernel", Kind::Dir, nullptr, kKernel, 56},
                      {"net", Kind::Dir, nullptr, kNet, 72},
                      {"vm", Kind::Dir, nullptr, kVm, 81},
                      kEnd};
const Entry kRoot[] = {
    {"self", Kind::Link, link_self, nullptr, 2},        {"1", Kind::Dir, nullptr, kPid, 3},
    {"cpuinfo", Kind::File, gen_cpuinfo, nullptr, 4},   {"meminfo", Kind::File, gen_meminfo, nullptr, 5},
    {"stat", Kind::File, gen_stat_global, nullptr, 6},  {"uptime", Kind::File, gen_uptime, nullptr, 7},
    {"loadavg", Kind::File, gen_loadavg, nullptr, 8},   {"mounts", Kind::Link, link_mounts, nullptr, 9},
    {"version", Kind::File, gen_version, nullptr, 10},  {"filesystems", Kind::File, gen_filesystems, nullptr, 11},
    {"sys", Kind::Dir, nullptr, kSys, 12},              kEnd};
const Entry kRootEntry = {"", Kind::Dir, nullptr, kRoot, 1};

class ProcFs;

class ProcNode final : public fs::Node {
 public:
  ProcNode(fs::FileSystem* owner, const Entry* e, const Entry* parent, int fd = -1)
      : entry_(e), parent_(parent), fd_(fd) {
    fs = owner;
    ino = fd >= 0 ? 1000 + uint64_t(fd) : e->ino;
  }

  long getattr(fs::Attr* a) override {
    *a = fs::Attr{};
    a->ino = ino;
    int64_t boot = realtime_ns() - int64_t(monotonic_ns());
    a->atime = a->mtime = a->ctime = fs::Time{boot / 1000000000, boot % 1000000000};
    switch (fd_ >= 0 ? Kind::FdLink : entry_->kind) {
      case Kind::Dir:
      case Kind::FdDir: a->mode = kS_IFDIR | 0555; a->nlink = 2; break;
      case Kind::File: a->mode = kS_IFREG | 0444; break;
      case Kind::Link:
      case Kind::FdLink: a->mode = kS_IFLNK | 0777; break;
    }
    a->blksize = 1024;
    return 0;
  }

  long read(uint64_t offset, void* buf, size_t n) override {
    if (entry_->kind != Kind::File || fd_ >= 0) return -kEISDIR;
    Text t;
    entry_->gen(t);
    if (!t.ok) return -kENOMEM;
    if (offset >= t.len) return 0;
    if (n > t.len - offset) n = size_t(t.len - offset);
    memcpy(buf, t.buf + offset, n);
    return long(n);
  }

  long readlink(char* buf, size_t cap) override {
    Text t;
    if (fd_ >= 0) {
      FileRef f = fd_table().get(fd_);
      if (!f) return -kENOENT;
      char desc[256];
      f->describe(desc, sizeof desc);
      t.add("%s", desc);
    } else if (entry_->kind == Kind::Link) {
      entry_->gen(t);
    } else {
      return -kEINVAL;
    }
    size_t n = t.len < cap ? t.len : cap;
    memcpy(buf, t.buf, n);
    return long(n);
  }

  long lookup(const char* name, size_t len, Node** out) override {
    if (len == 1 && name[0] == '.') return made(entry_, parent_, -1, out);
    if (len == 2 && name[0] == '.' && name[1] == '.')
      return made(parent_ ? parent_ : &kRootEntry, nullptr, -1, out);
    if (entry_->kind == Kind::FdDir && fd_ < 0) {
      int fd = 0;
      for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9' || fd > FdTable::kMax) return -kENOENT;
        fd = fd * 10 + (name[i] - '0');
      }
      if (!len || !fd_table().is_open(fd)) return -kENOENT;
      return made(entry_, entry_, fd, out);
    }
    if (entry_->kind != Kind::Dir || fd_ >= 0) return -kENOTDIR;
    for (const Entry* c = entry_->children; c->name; c++)
      if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
        return made(c, entry_, -1, out);
    return -kENOENT;
  }

  long readdir(uint64_t* cookie, Emit emit, void* ctx) override {
    if (fd_ >= 0 || (entry_->kind != Kind::Dir && entry_->kind != Kind::FdDir)) return -kENOTDIR;
    if (*cookie == 0) {
      if (!emit(ctx, ino, kDT_DIR, ".", 1, 1)) return 0;
      *cookie = 1;
    }
    if (*cookie == 1) {
      if (!emit(ctx, (parent_ ? parent_ : &kRootEntry)->ino, kDT_DIR, "..", 2, 2)) return 0;
      *cookie = 2;
    }
    if (entry_->kind == Kind::FdDir) {
      for (uint64_t fd = *cookie - 2; fd < uint64_t(FdTable::kMax); fd++) {
        if (!fd_table().is_open(int64_t(fd))) continue;
        char name[8];
        size_t n = format(name, sizeof name, "%lu", fd);
        if (!emit(ctx, 1000 + fd, kDT_LNK, name, n, fd + 3)) return 0;
        *cookie = fd + 3;
      }
      return 0;
    }
    uint64_t i = 0;
    for (const Entry* c = entry_->children; c->name; c++, i++) {
      if (i + 2 < *cookie) continue;
      uint8_t type = c->kind == Kind::Link ? kDT_LNK : c->kind == Kind::File ? kDT_REG : kDT_DIR;
      if (!emit(ctx, c->ino, type, c->name, strlen(c->name), i + 3)) return 0;
      *cookie = i + 3;
    }
    return 0;
  }

 private:
  long made(const Entry* e, const Entry* parent, int fd, Node** out) {
    auto n = new ProcNode(fs, e, parent, fd);
    if (!n) return -kENOMEM;
    *out = n;
    return 0;
  }

  const Entry* entry_;
  const Entry* parent_;
  int fd_;  // >= 0: the link /proc/self/fd/N
};

class ProcFs final : public fs::FileSystem {
 public:
  fs::Node* root() override { return new ProcNode(this, &kRootEntry, nullptr); }
  long statfs(fs::StatFs* out) override {
    *out = fs::StatFs{kPROC_SUPER_MAGIC, 4096, 0, 0, 0, 0, 0, kNAME_MAX, false};
    return 0;
  }
  const char* type_name() const override { return "proc"; }
};

}  // namespace

fs::FileSystem* procfs_create() { return new ProcFs; }

}  // namespace kiln
