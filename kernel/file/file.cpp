#include "file/file.h"

#include "core/thread.h"
#include "abi/linux/errno.h"
#include "file/file_lock.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "lib/format.h"

namespace kiln {
namespace {

void wake_owner(PollWatch* w) { wake_thread(static_cast<Thread*>(w->ctx)); }

}  // namespace

File::~File() {
  while (PollWatch* w = watches_.pop_front())
    if (w->closed) w->closed(w);
}

void File::describe(char* buf, size_t cap) {
  Stat st;
  const char* kind = "anon_inode";
  if (stat(&st) == 0) {
    uint32_t type = st.mode & kS_IFMT;
    kind = type == kS_IFIFO ? "pipe" : type == kS_IFSOCK ? "socket" : "anon_inode";
  }
  format(buf, cap, "%s:[%lu]", kind, stat(&st) == 0 ? st.ino : 0);
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
  PollWatch w;
  w.notify = wake_owner;
  w.ctx = current_thread();
  f->add_watch(&w);
  long result = 0;
  WaitList parked;
  for (;;) {
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

FdTable& fd_table() { return *process().fds; }

void release_file(File* f) {
  if (f && --f->refs == 0) {
    locks_file_released(f);
    delete f;
  }
}

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
  File* f = get(raw);
  if (!f) return -kEBADF;
  int32_t fd = int32_t(raw);
  files[fd] = nullptr;
  cloexec[fd] = false;
  locks_fd_closed(this, f);
  release_file(f);
  return 0;
}

}  // namespace kiln
