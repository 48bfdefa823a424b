#include "file/file.h"

#include "core/thread.h"
#include "abi/linux/errno.h"
#include "file/file_lock.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "lib/format.h"

namespace kiln {
namespace {

// wait_for_file's watch: whom to wake, and whether the file went away.
struct FileWaiter {
  Thread* thread;
  bool gone = false;
};

void wake_waiter(PollWatch* w) { wake_thread(static_cast<FileWaiter*>(w->ctx)->thread); }

void waited_file_gone(PollWatch* w) {
  auto waiter = static_cast<FileWaiter*>(w->ctx);
  waiter->gone = true;
  wake_thread(waiter->thread);
}

}  // namespace

File::~File() {
  while (PollWatch* w = watches_.pop_front())
    if (w->closed) w->closed(w);
}

void File::describe(char* buf, size_t cap) {
  Stat st;
  const char* kind = "anon_inode";
  uint64_t ino = 0;
  if (stat(&st) == 0) {
    uint32_t type = st.mode & kS_IFMT;
    kind = type == kS_IFIFO ? "pipe" : type == kS_IFSOCK ? "socket" : "anon_inode";
    ino = st.ino;
  }
  format(buf, cap, "%s:[%lu]", kind, ino);
}

long anon_inode_stat(Stat* st) {
  *st = Stat{};
  st->dev = 13;  // anon_inodefs
  st->ino = 1;
  st->nlink = 1;
  st->mode = 0600;
  st->blksize = 4096;
  return 0;
}

void File::notify_watchers() {
  // A callback may unlink its own watch: step past it first.
  for (PollWatch* w = watches_.front(); w;) {
    PollWatch* next = watches_.next_of(w);
    if (w->notify) w->notify(w);
    w = next;
  }
}

long wait_for_file(File* f, uint32_t events, uint64_t deadline_ns) {
  FileWaiter me{current_thread()};
  PollWatch w;
  w.notify = wake_waiter;
  w.closed = waited_file_gone;
  w.ctx = &me;
  f->add_watch(&w);
  long result = 0;
  WaitList parked;
  for (;;) {
    if (me.gone) return -kEPIPE;  // the watch went with the file
    uint32_t ready = f->poll_events() & (events | kPOLLERR | kPOLLHUP);
    if (ready) {
      result = ready;
      break;
    }
    if (signal_pending()) {
      result = -kEINTR;
      break;
    }
    if (!wait_on(parked, deadline_ns)) break;  // timed out
  }
  f->remove_watch(&w);
  return result;
}

void File::put() {
  if (--refs_ > 0) return;
  locks_file_released(this);
  delete this;
}

FileRef::FileRef(File* f) : FileRef() {
  if (!f) return;
  f->get();
  file_ = f;
  if (Thread* t = current_thread()) t->call_refs.push_back(this);
}

FileRef& FileRef::operator=(FileRef&& o) {
  if (this == &o) return *this;
  reset();
  file_ = o.file_;
  o.file_ = nullptr;
  if (o.node.linked()) {
    auto& held = current_thread()->call_refs;
    held.remove(&o);
    held.push_back(this);
  }
  return *this;
}

void FileRef::reset() {
  if (node.linked()) current_thread()->call_refs.remove(this);
  File* f = file_;
  file_ = nullptr;
  if (f) f->put();
}

// Its thread stopped mid-call; the stack it lies on is kept.
void FileRef::dropped(CallRef* r) {
  auto ref = static_cast<FileRef*>(r);
  File* f = ref->file_;
  ref->file_ = nullptr;
  f->put();
}

FdTable& fd_table() { return *process().fds; }

int FdTable::install(File* f, int min, bool close_on_exec) {
  for (int fd = min < 0 ? 0 : min; fd < kMax; fd++) {
    if (!files[fd]) {
      files[fd] = f;
      cloexec[fd] = close_on_exec;
      return fd;
    }
  }
  return -kEMFILE;
}

void FdTable::close_all() {
  for (int fd = 0; fd < kMax; fd++)
    if (files[fd]) close(fd);
}

long FdTable::close(int64_t raw) {
  File* f = at(raw);
  if (!f) return -kEBADF;
  int32_t fd = int32_t(raw);
  files[fd] = nullptr;
  cloexec[fd] = false;
  locks_fd_closed(this, f);
  f->put();  // the file goes now unless a call still holds it
  return 0;
}

}  // namespace kiln
