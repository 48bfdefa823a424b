// User and group identities. Only root (euid 0) may take any identity; an
// unprivileged program may only move among its real, effective and saved
// ids — the rules of setuid(2), setreuid(2) and setresuid(2).
#include "abi/linux/errno.h"
#include "proc/process.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint32_t kUnchanged = ~0u;
using Cred = Process::Credentials;

Cred& cred() { return process().cred; }
bool privileged() { return cred().euid == 0; }

// May an unprivileged process take `id`, given its three current ids?
bool allowed(uint32_t id, uint32_t r, uint32_t e, uint32_t s) {
  return id == kUnchanged || id == r || id == e || id == s;
}

long set_res(uint32_t* r, uint32_t* e, uint32_t* s, uint32_t* fs, uint32_t nr, uint32_t ne,
             uint32_t ns) {
  if (!privileged() &&
      !(allowed(nr, *r, *e, *s) && allowed(ne, *r, *e, *s) && allowed(ns, *r, *e, *s)))
    return -kEPERM;
  if (nr != kUnchanged) *r = nr;
  if (ne != kUnchanged) *e = ne;
  if (ns != kUnchanged) *s = ns;
  *fs = *e;
  return 0;
}

// setreuid/setregid: the saved id follows the new effective id when the
// real id is set, or the effective id moves away from the old real id.
long set_re(uint32_t* r, uint32_t* e, uint32_t* s, uint32_t* fs, uint32_t nr, uint32_t ne) {
  uint32_t old_r = *r;
  if (!privileged()) {
    if (nr != kUnchanged && nr != *r && nr != *e) return -kEPERM;
    if (ne != kUnchanged && ne != *r && ne != *e && ne != *s) return -kEPERM;
  }
  if (nr != kUnchanged) *r = nr;
  if (ne != kUnchanged) *e = ne;
  if (nr != kUnchanged || (ne != kUnchanged && ne != old_r)) *s = *e;
  *fs = *e;
  return 0;
}

long get_res(uint32_t r, uint32_t e, uint32_t s, uint64_t ur, uint64_t ue, uint64_t us) {
  return put_user(ur, r) && put_user(ue, e) && put_user(us, s) ? 0 : -kEFAULT;
}

}  // namespace

long sys_getuid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return cred().ruid; }
long sys_geteuid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return cred().euid; }
long sys_getgid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return cred().rgid; }
long sys_getegid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return cred().egid; }

long sys_setuid(uint64_t uid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  uint32_t u = uint32_t(uid);
  if (u == kUnchanged) return -kEINVAL;
  if (privileged()) return set_res(&c.ruid, &c.euid, &c.suid, &c.fsuid, u, u, u);
  if (u != c.ruid && u != c.suid) return -kEPERM;
  c.euid = c.fsuid = u;
  return 0;
}

long sys_setgid(uint64_t gid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  uint32_t g = uint32_t(gid);
  if (g == kUnchanged) return -kEINVAL;
  if (privileged()) return set_res(&c.rgid, &c.egid, &c.sgid, &c.fsgid, g, g, g);
  if (g != c.rgid && g != c.sgid) return -kEPERM;
  c.egid = c.fsgid = g;
  return 0;
}

long sys_setreuid(uint64_t r, uint64_t e, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  return set_re(&c.ruid, &c.euid, &c.suid, &c.fsuid, uint32_t(r), uint32_t(e));
}

long sys_setregid(uint64_t r, uint64_t e, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  return set_re(&c.rgid, &c.egid, &c.sgid, &c.fsgid, uint32_t(r), uint32_t(e));
}

long sys_setresuid(uint64_t r, uint64_t e, uint64_t s, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  return set_res(&c.ruid, &c.euid, &c.suid, &c.fsuid, uint32_t(r), uint32_t(e), uint32_t(s));
}

long sys_setresgid(uint64_t r, uint64_t e, uint64_t s, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  return set_res(&c.rgid, &c.egid, &c.sgid, &c.fsgid, uint32_t(r), uint32_t(e), uint32_t(s));
}

long sys_getresuid(uint64_t ur, uint64_t ue, uint64_t us, uint64_t, uint64_t, uint64_t) {
  return get_res(cred().ruid, cred().euid, cred().suid, ur, ue, us);
}

long sys_getresgid(uint64_t ur, uint64_t ue, uint64_t us, uint64_t, uint64_t, uint64_t) {
  return get_res(cred().rgid, cred().egid, cred().sgid, ur, ue, us);
}

long sys_setfsuid(uint64_t uid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  uint32_t old = c.fsuid, u = uint32_t(uid);
  if (privileged() || u == c.ruid || u == c.euid || u == c.suid || u == c.fsuid) c.fsuid = u;
  return old;
}

long sys_setfsgid(uint64_t gid, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  uint32_t old = c.fsgid, g = uint32_t(gid);
  if (privileged() || g == c.rgid || g == c.egid || g == c.sgid || g == c.fsgid) c.fsgid = g;
  return old;
}

long sys_getgroups(uint64_t size, uint64_t ulist, uint64_t, uint64_t, uint64_t, uint64_t) {
  const Cred& c = cred();
  if (int(size) < 0) return -kEINVAL;
  if (size == 0) return long(c.ngroups);
  if (size < c.ngroups) return -kEINVAL;
  return copy_to_user(ulist, c.groups, c.ngroups * 4) ? long(c.ngroups) : -kEFAULT;
}

long sys_setgroups(uint64_t size, uint64_t ulist, uint64_t, uint64_t, uint64_t, uint64_t) {
  Cred& c = cred();
  if (!privileged()) return -kEPERM;
  if (size > sizeof c.groups / 4) return -kEINVAL;
  uint32_t groups[32];
  if (size && !copy_from_user(groups, ulist, size * 4)) return -kEFAULT;
  for (size_t i = 0; i < size; i++) c.groups[i] = groups[i];
  c.ngroups = size;
  return 0;
}

}  // namespace kiln
