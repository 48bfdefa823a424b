// Open file descriptions and the descriptor table. A File is shared by
// every descriptor dup'ed from it (offset, status flags), as on Linux.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/errno.h"
#include "abi/linux/poll.h"
#include "abi/linux/stat.h"
#include "core/list.h"
#include "fs/fallible.h"

namespace kiln {

namespace fs {
class Node;
}
// Someone interested in a file's readiness: a thread in poll(), an epoll
// item. notify() runs whenever readiness may have changed; closed() when the
// file goes away underneath it.
struct PollWatch {
  ListNode node;
  void (*notify)(PollWatch* w) = nullptr;
  void (*closed)(PollWatch* w) = nullptr;
  void* ctx = nullptr;
};

// For the few calls that need a particular kind of file (epoll_ctl, sockets).
enum class FileKind : uint8_t { Other, Epoll, Socket };

class File {
 public:
  virtual ~File();
  virtual FileKind kind() const { return FileKind::Other; }
  // Byte counts or -errno. Buffers are user addresses.
  virtual long read(uint64_t buf, size_t n) = 0;
  virtual long write(uint64_t buf, size_t n) = 0;
  virtual long stat(Stat* st) = 0;
  virtual long ioctl(uint64_t cmd, uint64_t arg) = 0;
  virtual long seek(int64_t, int) { return -kESPIPE; }
  virtual long pread(uint64_t, size_t, uint64_t) { return -kESPIPE; }
  virtual long pwrite(uint64_t, size_t, uint64_t) { return -kESPIPE; }
  virtual long getdents(uint64_t, size_t) { return -kENOTDIR; }
  virtual long sync() { return -kEINVAL; }
  virtual long truncate(uint64_t) { return -kEINVAL; }
  // The VFS node behind a file opened by path (nullptr for pipes, sockets...).
  virtual fs::Node* node() { return nullptr; }
  // What /proc/self/fd/N shows: a path, or "pipe:[ino]", "socket:[ino]"...
  virtual void describe(char* buf, size_t cap);
  // Current readiness (kPOLL* bits); plain files are always ready.
  virtual uint32_t poll_events() { return kPOLLIN | kPOLLOUT | kPOLLRDNORM | kPOLLWRNORM; }
  // Whether readiness can change (epoll refuses files where it cannot: EPERM).
  virtual bool pollable() const { return false; }

  void add_watch(PollWatch* w) { watches_.push_back(w); }
  void remove_watch(PollWatch* w) {
    if (w->node.linked()) watches_.remove(w);
  }
  // Wakes whoever waits for this file (blocked readers and writers too).
  void notify_watchers();
  bool nonblocking() const { return status_flags & kO_NONBLOCK; }

  int refs = 1;
  uint32_t status_flags = 0;  // O_APPEND, O_NONBLOCK, access mode

 private:
  List<PollWatch, &PollWatch::node> watches_;
};

// Blocks the calling thread until `f` reports one of `events` (or error or
// hang-up), the deadline passes (0: none) or a signal arrives. Returns the
// ready events, 0 on timeout, -EINTR on a signal.
long wait_for_file(File* f, uint32_t events, uint64_t deadline_ns);

struct FdTable : fs::Fallible {  // one per process; `new` may yield nullptr
  static constexpr int kMax = 1024;  // RLIMIT_NOFILE
  File* files[kMax] = {};
  bool cloexec[kMax] = {};

  // Descriptors are C ints: only the low 32 bits of the register count.
  File* get(int64_t raw) const {
    int32_t fd = int32_t(raw);
    return fd >= 0 && fd < kMax ? files[fd] : nullptr;
  }
  // Lowest free descriptor >= min, or -EMFILE.
  int install(File* f, int min = 0, bool close_on_exec = false);
  long close(int64_t fd);
  void close_all();
};

FdTable& fd_table();
void release_file(File* f);

// The serial console: fds 0, 1 and 2 at start.
File* make_console_file();

}  // namespace kiln
