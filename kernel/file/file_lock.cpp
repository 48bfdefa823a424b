#include "file/file_lock.h"

#include "lib/list.h"
#include "core/thread.h"
#include "fs/node.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "file/file.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t kEof = ~0ull;           // a lock "to the end of the file"
constexpr int64_t kOffsetMax = int64_t(~0ull >> 1);
constexpr int kMaxDeadlockHops = 10;       // as Linux's MAX_DEADLK_ITERATIONS

// The file a lock is on: the inode, whichever open or file system node
// object reached it; a file without one (a pipe, a socket) is its own.
struct LockKey {
  const void* where;
  uint64_t ino;
  bool operator==(const LockKey&) const = default;
};

LockKey key_of(File* f) {
  fs::Node* n = f->node();
  if (!n) return LockKey{f, 0};
  uint64_t ino = n->ino;
  fs::Attr a;
  if (!ino && n->getattr(&a) == 0) ino = a.ino;
  return LockKey{n->fs, ino};
}

// flock locks and record locks never meet, as on Linux.
enum class Kind : uint8_t { Record, Flock };

struct Lock {
  ListNode node;
  LockKey key;
  Kind kind;
  int16_t type;      // F_RDLCK or F_WRLCK
  const void* owner; // FdTable (POSIX record locks) or File (OFD and flock)
  int pid;           // what F_GETLK reports: -1 for a description's lock
  uint64_t start, end;  // [start, end); end kEof: to the end of the file
};

// A thread waiting in F_SETLKW or flock: which owner it waits for, for
// deadlock detection.
struct Blocked {
  ListNode node;
  const void* owner;
  const void* waits_for;
};

List<Lock, &Lock::node> g_locks;
List<Blocked, &Blocked::node> g_blocked;
WaitList g_waiters;  // woken whenever any lock goes or shrinks

bool overlap(const Lock& l, uint64_t start, uint64_t end) { return l.start < end && start < l.end; }

Lock* find_conflict(LockKey key, Kind kind, const void* owner, int16_t type, uint64_t start,
                    uint64_t end) {
  for (Lock* l = g_locks.front(); l; l = g_locks.next_of(l))
    if (l->key == key && l->kind == kind && l->owner != owner && overlap(*l, start, end) &&
        (l->type == kF_WRLCK || type == kF_WRLCK))
      return l;
  return nullptr;
}

// Would `owner` waiting for `holder` close a cycle of waiting owners?
bool deadlock(const void* owner, const void* holder) {
  for (int hop = 0; hop < kMaxDeadlockHops; hop++) {
    if (holder == owner) return true;
    Blocked* b = g_blocked.front();
    while (b && b->owner != holder) b = g_blocked.next_of(b);
    if (!b) return false;
    holder = b->waits_for;
  }
  return false;
}

void erase(Lock* l) {
  g_locks.remove(l);
  delete l;
}

// Makes `owner`'s locks on [start, end) of the file exactly `type`
// (F_UNLCK: none): what it held there is cut out, neighbours of the same
// type merge with the new lock. 0 or -ENOLCK.
long apply(LockKey key, Kind kind, const void* owner, int pid, int16_t type, uint64_t start,
           uint64_t end) {
  // Allocated first, so a failure leaves everything as it was.
  Lock* fresh = type == kF_UNLCK ? nullptr : new Lock;
  Lock* tail = new Lock;
  if ((type != kF_UNLCK && !fresh) || !tail) {
    delete fresh;
    delete tail;
    return -kENOLCK;
  }
  bool changed = false;
  for (Lock* l = g_locks.front(); l;) {
    Lock* next = g_locks.next_of(l);
    if (l->key == key && l->kind == kind && l->owner == owner) {
      bool touches = l->end == start || l->start == end;
      if (fresh && l->type == type && (touches || overlap(*l, start, end))) {
        // Same type, adjacent or overlapping: absorbed into the new lock.
        if (l->start < start) start = l->start;
        if (l->end > end) end = l->end;
        erase(l);
      } else if (overlap(*l, start, end)) {
        changed = true;
        if (l->start < start && l->end > end) {  // split around the range
          *tail = *l;
          tail->node = ListNode{};
          tail->start = end;
          g_locks.push_back(tail);
          tail = nullptr;
          l->end = start;
        } else if (l->start < start) {
          l->end = start;
        } else if (l->end > end) {
          l->start = end;
        } else {
          erase(l);
        }
      }
    }
    l = next;
  }
  delete tail;
  if (fresh) {
    *fresh = Lock{ListNode{}, key, kind, type, owner, pid, start, end};
    g_locks.push_back(fresh);
  }
  if (changed) wake_list(g_waiters, -1);
  return 0;
}

// Takes a lock, waiting for conflicting ones to go when `wait`.
long acquire(LockKey key, Kind kind, const void* owner, int pid, int16_t type, uint64_t start,
             uint64_t end, bool wait) {
  for (;;) {
    Lock* c = type == kF_UNLCK ? nullptr : find_conflict(key, kind, owner, type, start, end);
    if (!c) return apply(key, kind, owner, pid, type, start, end);
    if (!wait) return -kEAGAIN;
    // Only process-owned record locks detect deadlocks, as on Linux.
    if (kind == Kind::Record && pid > 0 && deadlock(owner, c->owner)) return -kEDEADLK;
    if (signal_pending()) return -kEINTR;
    Blocked me{ListNode{}, owner, c->owner};
    g_blocked.push_back(&me);
    wait_on(g_waiters, 0);
    if (me.node.linked()) g_blocked.remove(&me);
    if (signal_pending()) return -kEINTR;
  }
}

// struct flock's range as [start, end), Linux's checks included.
long range_of(File* f, const Flock& fl, uint64_t* start, uint64_t* end) {
  int64_t base;
  switch (fl.whence) {
    case kSEEK_SET: base = 0; break;
    case kSEEK_CUR:
      base = f->seek(0, kSEEK_CUR);
      if (base < 0) return base;
      break;
    case kSEEK_END: {
      Stat st;
      if (long r = f->stat(&st)) return r;
      base = st.size;
      break;
    }
    default: return -kEINVAL;
  }
  if (fl.start > kOffsetMax - base) return -kEOVERFLOW;
  int64_t s = base + fl.start;
  if (s < 0) return -kEINVAL;
  if (fl.len > 0) {
    if (fl.len - 1 > kOffsetMax - s) return -kEOVERFLOW;
    *start = uint64_t(s);
    *end = uint64_t(s) + uint64_t(fl.len);
  } else if (fl.len < 0) {
    if (s + fl.len < 0) return -kEINVAL;
    *start = uint64_t(s + fl.len);
    *end = uint64_t(s);
  } else {
    *start = uint64_t(s);
    *end = kEof;
  }
  return 0;
}

void release_where(Kind kind, const void* owner, const LockKey* key) {
  bool any = false;
  for (Lock* l = g_locks.front(); l;) {
    Lock* next = g_locks.next_of(l);
    if (l->kind == kind && l->owner == owner && (!key || l->key == *key)) {
      erase(l);
      any = true;
    }
    l = next;
  }
  if (any) wake_list(g_waiters, -1);
}

}  // namespace

long fcntl_lock(File* f, FdTable* owner_table, int cmd, uint64_t arg) {
  Flock fl;
  if (!copy_from_user(&fl, arg, sizeof fl)) return -kEFAULT;
  bool ofd = cmd == kF_OFD_GETLK || cmd == kF_OFD_SETLK || cmd == kF_OFD_SETLKW;
  if (ofd && fl.pid != 0) return -kEINVAL;
  const void* owner = ofd ? static_cast<const void*>(f) : owner_table;
  int pid = ofd ? -1 : process().pid;
  uint64_t start, end;
  if (long r = range_of(f, fl, &start, &end)) return r;
  LockKey key = key_of(f);
  if (cmd == kF_GETLK || cmd == kF_OFD_GETLK) {
    if (fl.type != kF_RDLCK && fl.type != kF_WRLCK) return -kEINVAL;
    Lock* c = find_conflict(key, Kind::Record, owner, fl.type, start, end);
    if (!c) {
      fl.type = kF_UNLCK;
    } else {
      fl.type = c->type;
      fl.whence = kSEEK_SET;
      fl.start = int64_t(c->start);
      fl.len = c->end == kEof ? 0 : int64_t(c->end - c->start);
      fl.pid = c->pid;
    }
    return copy_to_user(arg, &fl, sizeof fl) ? 0 : -kEFAULT;
  }
  if (fl.type != kF_RDLCK && fl.type != kF_WRLCK && fl.type != kF_UNLCK) return -kEINVAL;
  uint32_t access = f->status_flags & kO_ACCMODE;
  if (fl.type == kF_RDLCK && access == kO_WRONLY) return -kEBADF;
  if (fl.type == kF_WRLCK && access == kO_RDONLY) return -kEBADF;
  bool wait = cmd == kF_SETLKW || cmd == kF_OFD_SETLKW;
  return acquire(key, Kind::Record, owner, pid, fl.type, start, end, wait);
}

long flock_file(File* f, uint64_t op) {
  bool nonblock = op & kLOCK_NB;
  uint64_t kind = op & ~uint64_t(kLOCK_NB);
  if (kind != kLOCK_SH && kind != kLOCK_EX && kind != kLOCK_UN) return -kEINVAL;
  LockKey key = key_of(f);
  if (kind == kLOCK_UN) return apply(key, Kind::Flock, f, -1, kF_UNLCK, 0, kEof);
  int16_t type = kind == kLOCK_EX ? kF_WRLCK : kF_RDLCK;
  for (Lock* l = g_locks.front(); l; l = g_locks.next_of(l))
    if (l->key == key && l->kind == Kind::Flock && l->owner == f && l->type == type) return 0;
  // Linux converts by dropping the old lock first: others may get in between.
  apply(key, Kind::Flock, f, -1, kF_UNLCK, 0, kEof);
  return acquire(key, Kind::Flock, f, -1, type, 0, kEof, !nonblock);
}

void locks_fd_closed(FdTable* owner, File* f) {
  if (g_locks.empty() && g_blocked.empty()) return;  // every close passes here
  LockKey key = key_of(f);
  release_where(Kind::Record, owner, &key);
  // A thread of a process that is exiting may have died waiting.
  for (Blocked* b = g_blocked.front(); b;) {
    Blocked* next = g_blocked.next_of(b);
    if (b->owner == owner) g_blocked.remove(b);
    b = next;
  }
}

void locks_file_released(File* f) {
  if (g_locks.empty()) return;
  release_where(Kind::Record, f, nullptr);
  release_where(Kind::Flock, f, nullptr);
}

}  // namespace kiln
