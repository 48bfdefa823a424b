// Identity, limits, system information and randomness.
#include "core/clock.h"
#include "core/memory.h"
#include "core/random.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/prctl.h"
#include "abi/linux/random.h"
#include "abi/linux/resource.h"
#include "abi/linux/sysinfo.h"
#include "abi/linux/utsname.h"
#include "proc/process.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"
#include "mm/vm.h"

namespace kiln {
namespace {

void copy_field(char* dst, const char* src) {
  size_t n = strlen(src);
  if (n > kNEW_UTS_LEN) n = kNEW_UTS_LEN;
  memcpy(dst, src, n);
  dst[n] = 0;
}

uint64_t* limit(int resource) {
  Process& p = process();
  if (!p.rlimits[kRLIMIT_STACK][0]) {
    // First use: Linux's defaults, all unlimited but stack and files.
    for (auto& l : p.rlimits) l[0] = l[1] = kRLIM_INFINITY;
    p.rlimits[kRLIMIT_STACK][0] = 8 << 20;
    p.rlimits[kRLIMIT_NOFILE][0] = p.rlimits[kRLIMIT_NOFILE][1] = 1024;
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
  return copy_to_user(ubuf, &u, sizeof u) ? 0 : -kEFAULT;
}

long sys_sethostname(uint64_t uname, uint64_t len, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (len > kNEW_UTS_LEN) return -kEINVAL;
  char name[kNEW_UTS_LEN + 1];
  if (!copy_from_user(name, uname, len)) return -kEFAULT;
  name[len] = 0;
  memcpy(process().hostname, name, len + 1);
  return 0;
}

long sys_sysinfo(uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Sysinfo s = {};
  s.uptime = int64_t(monotonic_ns() / 1000000000);
  s.totalram = total_ram_bytes();
  s.freeram = page_allocator().free_frames() * kPageSize;
  s.procs = uint16_t(thread_count(&process()));
  s.mem_unit = 1;
  return copy_to_user(ubuf, &s, sizeof s) ? 0 : -kEFAULT;
}

long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t unew, uint64_t uold, uint64_t,
                   uint64_t) {
  if (pid && int(pid) != process().pid) return -kESRCH;
  if (resource >= kRLIM_NLIMITS) return -kEINVAL;
  uint64_t* l = limit(int(resource));
  Rlimit old = {l[0], l[1]};
  if (unew) {
    Rlimit n;
    if (!get_user(&n, unew)) return -kEFAULT;
    if (n.cur > n.max) return -kEINVAL;
    if (n.max > l[1]) return -kEPERM;
    l[0] = n.cur;
    l[1] = n.max;
  }
  if (uold && !put_user(uold, old)) return -kEFAULT;
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
  return p && int(pid) >= 0 ? p->pgid : -kESRCH;
}
long sys_getsid(uint64_t pid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process* p = pid ? process_find(int(pid)) : &process();
  return p && int(pid) >= 0 ? p->sid : -kESRCH;
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
  if (int(upgid) < 0) return -kEINVAL;
  Process* p = process_find(pid);
  if (!p || (p != &self && p->parent != &self)) return -kESRCH;
  if (p->sid != self.sid || p->sid == p->pid) return -kEPERM;
  if (pgid != p->pid && !group_in_session(pgid, self.sid)) return -kEPERM;
  p->pgid = pgid;
  return 0;
}

long sys_setsid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Process& self = process();
  for (Process* q = first_process(); q; q = next_process(q))
    if (q->pgid == self.pid) return -kEPERM;  // already leads a group
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
  if (flags & ~(kGRND_NONBLOCK | kGRND_RANDOM | kGRND_INSECURE)) return -kEINVAL;
  if (len > 33554431) len = 33554431;  // Linux caps one call at 32 MiB - 1
  uint8_t chunk[256];
  for (uint64_t done = 0; done < len;) {
    size_t n = len - done < sizeof chunk ? size_t(len - done) : sizeof chunk;
    random_bytes(chunk, n);
    if (!copy_to_user(ubuf + done, chunk, n)) return done ? long(done) : -kEFAULT;
    done += n;
  }
  return long(len);
}

long sys_prctl(uint64_t option, uint64_t arg2, uint64_t, uint64_t, uint64_t, uint64_t) {
  switch (int(option)) {
    case kPR_SET_NAME: {
      char name[16];
      long n = copy_string_from_user(name, arg2, sizeof name);
      if (n == -kEFAULT) return -kEFAULT;
      if (n < 0) name[15] = 0;  // truncated, as Linux does
      memcpy(g_thread_name, name, sizeof name);
      return 0;
    }
    case kPR_GET_NAME:
      return copy_to_user(arg2, g_thread_name, sizeof g_thread_name) ? 0 : -kEFAULT;
    case kPR_GET_DUMPABLE:
      return 1;
    case kPR_SET_DUMPABLE:
      return arg2 <= 1 ? 0 : -kEINVAL;
    default:
      return -kEINVAL;
  }
}

long sys_getrusage(uint64_t who, uint64_t ubuf, uint64_t, uint64_t, uint64_t, uint64_t) {
  if (int(who) != kRUSAGE_SELF && int(who) != kRUSAGE_CHILDREN && int(who) != kRUSAGE_THREAD)
    return -kEINVAL;
  Rusage r = {};
  uint64_t ns = monotonic_ns();
  // One CPU, all of it the program's.
  r.utime = Timeval{int64_t(ns / 1000000000), int64_t(ns % 1000000000 / 1000)};
  r.maxrss = int64_t(vm_resident_pages() * 4);
  return put_user(ubuf, r) ? 0 : -kEFAULT;
}

}  // namespace kiln
