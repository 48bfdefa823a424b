// Identity, limits, system information and randomness.
#include "core/clock.h"
#include "core/memory.h"
#include "core/random.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "proc/process.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"
#include "mm/vm.h"

namespace kiln {
namespace {

constexpr int RLIMIT_STACK = 3, RLIMIT_NOFILE = 7, RLIM_NLIMITS = 16;
constexpr uint64_t RLIM_INFINITY = ~0ull;
constexpr uint64_t GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
constexpr int PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_DUMPABLE = 4, PR_GET_DUMPABLE = 3;

struct Utsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

void copy_field(char* dst, const char* src) {
  size_t n = strlen(src);
  if (n > 64) n = 64;
  memcpy(dst, src, n);
  dst[n] = 0;
}

uint64_t* limit(int resource) {
  Process& p = process();
  if (!p.rlimits[RLIMIT_STACK][0]) {
    // First use: Linux's defaults, all unlimited but stack and files.
    for (auto& l : p.rlimits) l[0] = l[1] = RLIM_INFINITY;
    p.rlimits[RLIMIT_STACK][0] = 8 << 20;
    p.rlimits[RLIMIT_NOFILE][0] = p.rlimits[RLIMIT_NOFILE][1] = 1024;
  }
  return p.rlimits[resource];
}

char g_thread_name[16] = "main";

}  // namespace

long sys_uname(uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Utsname u = {};
  // Programs check the release to pick syscalls: claim a kernel with what kiln offers.
  copy_field(u.sysname, "Linux");
  copy_field(u.nodename, process().hostname);
  copy_field(u.release, "6.1.0-kiln");
  copy_field(u.version, "#1 kiln 0.1");
  copy_field(u.machine, "x86_64");
  copy_field(u.domainname, "(none)");
  return copy_to_user(ubuf, &u, sizeof u) ? 0 : -EFAULT;
}

long sys_sethostname(uint64_t uname, uint64_t len, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (len > 64) return -EINVAL;
  char name[65];
  if (!copy_from_user(name, uname, len)) return -EFAULT;
  name[len] = 0;
  memcpy(process().hostname, name, len + 1);
  return 0;
}

long sys_sysinfo(uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  struct {
    int64_t uptime;
    uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
  } s = {};
  static_assert(sizeof(s) == 112);
  s.uptime = int64_t(monotonic_ns() / 1000000000);
  s.totalram = total_ram_bytes();
  s.freeram = page_allocator().free_frames() * kPageSize;
  s.procs = uint16_t(thread_count(&process()));
  s.mem_unit = 1;
  return copy_to_user(ubuf, &s, sizeof s) ? 0 : -EFAULT;
}

long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t unew, uint64_t uold, uint64_t,
                   uint64_t) {
  if (pid && int(pid) != process().pid) return -ESRCH;
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  uint64_t* l = limit(int(resource));
  uint64_t old[2] = {l[0], l[1]};
  if (unew) {
    uint64_t n[2];
    if (!copy_from_user(n, unew, sizeof n)) return -EFAULT;
    if (n[0] > n[1]) return -EINVAL;
    if (n[1] > l[1]) return -EPERM;
    l[0] = n[0];
    l[1] = n[1];
  }
  if (uold && !copy_to_user(uold, old, sizeof old)) return -EFAULT;
  return 0;
}

long sys_getrlimit(uint64_t resource, uint64_t uold, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_prlimit64(0, resource, 0, uold, 0, 0);
}
long sys_setrlimit(uint64_t resource, uint64_t unew, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_prlimit64(0, resource, unew, 0, 0, 0);
}

long sys_getpid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return process().pid;
}
long sys_getpgrp(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  return process().pgid;
}
long sys_getpgid(uint64_t pid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process* p = pid ? process_find(int(pid)) : &process();
  return p && int(pid) >= 0 ? p->pgid : -ESRCH;
}
long sys_getsid(uint64_t pid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process* p = pid ? process_find(int(pid)) : &process();
  return p && int(pid) >= 0 ? p->sid : -ESRCH;
}

namespace {
bool group_in_session(int pgid, int sid) {
  for (Process* q = first_process(); q; q = next_process(q))
    if (q->pgid == pgid && q->sid == sid) return true;
  return false;
}
}  // namespace

// setpgid(2)'s rules, but one: Linux refuses (EACCES) a child that has
// called execve; kiln does not record that (FIXME).
long sys_setpgid(uint64_t upid, uint64_t upgid, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process& self = process();
  int pid = int(upid) ? int(upid) : self.pid;
  int pgid = int(upgid) ? int(upgid) : pid;
  if (int(upgid) < 0) return -EINVAL;
  Process* p = process_find(pid);
  if (!p || (p != &self && p->parent != &self)) return -ESRCH;
  if (p->sid != self.sid || p->sid == p->pid) return -EPERM;
  if (pgid != p->pid && !group_in_session(pgid, self.sid)) return -EPERM;
  p->pgid = pgid;
  return 0;
}

long sys_setsid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process& self = process();
  for (Process* q = first_process(); q; q = next_process(q))
    if (q->pgid == self.pid) return -EPERM;  // already leads a group
  self.pgid = self.sid = self.pid;
  return self.sid;
}

long sys_umask(uint64_t mask, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  uint32_t old = process().umask;
  process().umask = uint32_t(mask) & 0777;
  return old;
}

long sys_getrandom(uint64_t ubuf, uint64_t len, uint64_t flags, uint64_t, uint64_t,
                   uint64_t) {
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if (len > 33554431) len = 33554431;  // Linux caps one call at 32 MiB - 1
  uint8_t chunk[256];
  for (uint64_t done = 0; done < len;) {
    size_t n = len - done < sizeof chunk ? size_t(len - done) : sizeof chunk;
    random_bytes(chunk, n);
    if (!copy_to_user(ubuf + done, chunk, n)) return done ? long(done) : -EFAULT;
    done += n;
  }
  return long(len);
}

long sys_prctl(uint64_t option, uint64_t arg2, uint64_t, uint64_t, uint64_t, uint64_t) {
  switch (int(option)) {
    case PR_SET_NAME: {
      char name[16];
      long n = copy_string_from_user(name, arg2, sizeof name);
      if (n == -EFAULT) return -EFAULT;
      if (n < 0) name[15] = 0;  // truncated, as Linux does
      memcpy(g_thread_name, name, sizeof name);
      return 0;
    }
    case PR_GET_NAME:
      return copy_to_user(arg2, g_thread_name, sizeof g_thread_name) ? 0 : -EFAULT;
    case PR_GET_DUMPABLE:
      return 1;
    case PR_SET_DUMPABLE:
      return arg2 <= 1 ? 0 : -EINVAL;
    default:
      return -EINVAL;
  }
}

long sys_getrusage(uint64_t who, uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(who) != 0 && int(who) != -1 && int(who) != 1) return -EINVAL;
  int64_t r[18] = {};
  uint64_t ns = monotonic_ns();
  r[0] = int64_t(ns / 1000000000);  // ru_utime: one CPU, all of it the program's
  r[1] = int64_t(ns % 1000000000 / 1000);
  r[4] = int64_t(vm_resident_pages() * 4);  // ru_maxrss in KiB
  return copy_to_user(ubuf, r, sizeof r) ? 0 : -EFAULT;
}

}  // namespace kiln
