// poll, ppoll, select and pselect6: readiness of many descriptors at once.
#include "core/clock.h"
#include "core/heap.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/poll.h"
#include "abi/linux/time.h"
#include "file/file.h"
#include "proc/signal.h"
#include "proc/syscalls.h"
#include "mm/user_time.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

void wake_owner(PollWatch* w) { wake_thread(static_cast<Thread*>(w->ctx)); }

// One entry's watch on its file, which the call holds while watching (a
// descriptor closed meanwhile reads as POLLNVAL, as on Linux, but the watch
// stays on the file it was put on until it is taken off).
struct Watched : Fallible {  // `new` may yield nullptr
  PollWatch watch;
  FileRef file;
};

// Fills revents for every entry; returns how many are ready. With `watch`,
// also registers the calling thread on each file (once).
int scan(Pollfd* fds, size_t n, Watched* watched, bool watch) {
  int ready = 0;
  for (size_t i = 0; i < n; i++) {
    fds[i].revents = 0;
    if (fds[i].fd < 0) continue;
    FileRef f = fd_table().get(fds[i].fd);
    if (!f) {
      fds[i].revents = kPOLLNVAL;
    } else {
      uint32_t want = uint16_t(fds[i].events) | kPOLLERR | kPOLLHUP;
      fds[i].revents = int16_t(f->poll_events() & want);
      if (watch) {
        watched[i].watch.notify = wake_owner;
        watched[i].watch.ctx = current_thread();
        f->add_watch(&watched[i].watch);
        watched[i].file = static_cast<FileRef&&>(f);
      }
    }
    if (fds[i].revents) ready++;
  }
  return ready;
}

// The core of poll and select: `deadline` 0 = forever, ~0 = do not wait.
long do_poll(Pollfd* fds, size_t n, uint64_t deadline) {
  auto watched = new Watched[n ? n : 1];
  if (!watched) return -kENOMEM;
  long ready = scan(fds, n, watched, deadline != ~0ull);
  WaitList parked;
  while (!ready && deadline != ~0ull) {
    if (signal_pending()) {
      ready = -kEINTR;
      break;
    }
    bool woken = wait_on(parked, deadline);
    ready = scan(fds, n, watched, false);
    if (!woken) break;  // timed out: report what the last look found
  }
  for (size_t i = 0; i < n; i++)
    if (watched[i].file) watched[i].file->remove_watch(&watched[i].watch);
  delete[] watched;
  return ready;
}


long poll_common(uint64_t ufds, uint64_t nfds, uint64_t deadline) {
  if (nfds > uint64_t(FdTable::kMax)) return -kEINVAL;
  size_t bytes = sizeof(Pollfd) * nfds;
  auto fds = static_cast<Pollfd*>(kmalloc(bytes ? bytes : 1));
  if (!fds) return -kENOMEM;
  long r = copy_from_user(fds, ufds, bytes) ? do_poll(fds, nfds, deadline) : -kEFAULT;
  if (r >= 0) {
    // Only revents go back, as on Linux.
    for (size_t i = 0; i < nfds; i++) {
      uint64_t revents = ufds + i * sizeof(Pollfd) + __builtin_offsetof(Pollfd, revents);
      if (!put_user(revents, fds[i].revents)) {
        r = -kEFAULT;
        break;
      }
    }
  }
  kfree(fds);
  return r;
}

constexpr uint32_t kSelectIn = kPOLLIN | kPOLLRDNORM | kPOLLHUP | kPOLLERR;
constexpr uint32_t kSelectOut = kPOLLOUT | kPOLLWRNORM | kPOLLERR;
constexpr uint32_t kSelectEx = kPOLLPRI;

long select_common(uint64_t nfds, uint64_t uin, uint64_t uout, uint64_t uex,
                   uint64_t deadline) {
  if (int64_t(nfds) < 0) return -kEINVAL;
  if (nfds > uint64_t(FdTable::kMax)) nfds = FdTable::kMax;
  size_t words = (nfds + 63) / 64;
  uint64_t in[16] = {}, out[16] = {}, ex[16] = {};
  if ((uin && !copy_from_user(in, uin, words * 8)) ||
      (uout && !copy_from_user(out, uout, words * 8)) ||
      (uex && !copy_from_user(ex, uex, words * 8)))
    return -kEFAULT;
  auto fds = static_cast<Pollfd*>(kmalloc(sizeof(Pollfd) * (nfds ? nfds : 1)));
  if (!fds) return -kENOMEM;
  size_t n = 0;
  for (size_t fd = 0; fd < nfds; fd++) {
    uint64_t bit = 1ull << (fd % 64);
    uint32_t ev = ((in[fd / 64] & bit) ? kSelectIn : 0) | ((out[fd / 64] & bit) ? kSelectOut : 0) |
                  ((ex[fd / 64] & bit) ? kSelectEx : 0);
    if (!ev) continue;
    if (!fd_table().is_open(int64_t(fd))) {
      kfree(fds);
      return -kEBADF;
    }
    fds[n++] = Pollfd{int32_t(fd), int16_t(ev), 0};
  }
  long r = do_poll(fds, n, deadline);
  if (r >= 0) {
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    memset(ex, 0, sizeof ex);
    r = 0;  // select counts bits, not descriptors
    for (size_t i = 0; i < n; i++) {
      size_t fd = size_t(fds[i].fd);
      uint64_t bit = 1ull << (fd % 64);
      uint32_t want = uint16_t(fds[i].events), got = uint16_t(fds[i].revents);
      if ((want & kPOLLIN) && (got & kSelectIn)) in[fd / 64] |= bit, r++;
      if ((want & kPOLLOUT) && (got & kSelectOut)) out[fd / 64] |= bit, r++;
      if ((want & kPOLLPRI) && (got & kSelectEx)) ex[fd / 64] |= bit, r++;
    }
    if ((uin && !copy_to_user(uin, in, words * 8)) ||
        (uout && !copy_to_user(uout, out, words * 8)) ||
        (uex && !copy_to_user(uex, ex, words * 8)))
      r = -kEFAULT;
  }
  kfree(fds);
  return r;
}

}  // namespace

long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_ms, uint64_t, uint64_t, uint64_t) {
  int64_t ms = int32_t(timeout_ms);
  uint64_t deadline = ms < 0 ? 0 : deadline_after(uint64_t(ms) * 1000000);
  return poll_common(ufds, nfds, deadline);
}

long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t uts, uint64_t umask, uint64_t size,
               uint64_t) {
  uint64_t deadline, saved;
  if (long r = read_timeout(uts, &deadline)) return r;
  if (long r = begin_temporary_sigmask(umask, size, &saved)) return r;
  return end_temporary_sigmask(poll_common(ufds, nfds, deadline), saved);
}

long sys_select(uint64_t nfds, uint64_t uin, uint64_t uout, uint64_t uex, uint64_t utv,
                uint64_t) {
  uint64_t deadline = 0;
  Timeval tv;
  if (utv) {
    if (!get_user(&tv, utv)) return -kEFAULT;
    if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000) return -kEINVAL;
    deadline = deadline_after(uint64_t(tv.sec) * 1000000000 + uint64_t(tv.usec) * 1000);
  }
  long r = select_common(nfds, uin, uout, uex, deadline);
  if (utv && deadline != ~0ull) {
    // Linux writes back the time left.
    uint64_t now = monotonic_ns(), left = deadline > now ? (deadline - now) / 1000 : 0;
    Timeval rem{int64_t(left / 1000000), int64_t(left % 1000000)};
    copy_to_user(utv, &rem, sizeof rem);
  }
  return r;
}

long sys_pselect6(uint64_t nfds, uint64_t uin, uint64_t uout, uint64_t uex, uint64_t uts,
                  uint64_t usig) {
  uint64_t deadline, saved;
  if (long r = read_timeout(uts, &deadline)) return r;
  uint64_t sig[2] = {0, 0};  // {const sigset_t* ss, size_t ss_len}
  if (usig && !copy_from_user(sig, usig, sizeof sig)) return -kEFAULT;
  if (long r = begin_temporary_sigmask(sig[0], sig[1], &saved)) return r;
  return end_temporary_sigmask(select_common(nfds, uin, uout, uex, deadline), saved);
}

}  // namespace kiln
