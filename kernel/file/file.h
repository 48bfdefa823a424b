// Open file descriptions and the descriptor table. A File is shared by
// every descriptor dup'ed from it (offset, status flags), as on Linux.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/errno.h"
#include "abi/linux/poll.h"
#include "abi/linux/stat.h"
#include "core/thread.h"
#include "lib/list.h"
#include "lib/fallible.h"

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
enum class FileKind : uint8_t { Other, Epoll, Socket, PidFd, Pipe };

class File {
 public:
  virtual ~File();
  virtual FileKind kind() const { return FileKind::Other; }
  // Byte counts or -errno. Buffers are user addresses.
  [[nodiscard]] virtual long read(uint64_t buf, size_t n) = 0;
  [[nodiscard]] virtual long write(uint64_t buf, size_t n) = 0;
  [[nodiscard]] virtual long stat(Stat* st) = 0;
  [[nodiscard]] virtual long ioctl(uint64_t cmd, uint64_t arg) = 0;
  [[nodiscard]] virtual long seek(int64_t, int) { return -kESPIPE; }
  [[nodiscard]] virtual long pread(uint64_t, size_t, uint64_t) { return -kESPIPE; }
  [[nodiscard]] virtual long pwrite(uint64_t, size_t, uint64_t) { return -kESPIPE; }
  [[nodiscard]] virtual long getdents(uint64_t, size_t) { return -kENOTDIR; }
  [[nodiscard]] virtual long sync() { return -kEINVAL; }
  [[nodiscard]] virtual long truncate(uint64_t) { return -kEINVAL; }
  // readv/writev of user iovecs in one call, for files where the pieces
  // must not become separate calls (a socket: one sendmsg, so that nginx's
  // header and body leave in one segment). -ENOSYS: piece by piece.
  [[nodiscard]] virtual long vector_io(bool /*write*/, uint64_t /*iov*/, uint64_t /*count*/) { return -kENOSYS; }
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

  // Counted: each descriptor holds a reference, each call working on the
  // file (FileRef), each other owner (a listener's queue); the last put()
  // deletes it. Plain ints, no atomics: one CPU, and kernel code runs with
  // interrupts off and switches threads only where it blocks (SMP will
  // need atomic counts).
  void get() { refs_++; }
  void put();

  uint32_t status_flags = 0;  // O_APPEND, O_NONBLOCK, access mode

 private:
  int refs_ = 1;
  List<PollWatch, &PollWatch::node> watches_;
};

// A system call's reference to a file: taken from the descriptor table
// (FdTable::get) or on a file the call reaches otherwise, and dropped when
// the call returns, so that close() by another thread leaves the file to
// the call until then, as Linux's fdget does. Lives on the call's stack,
// listed on its thread (a CallRef): a thread stopped mid-call has it
// dropped for it. Move-only.
class FileRef : CallRef {
 public:
  FileRef() { drop = dropped; }
  explicit FileRef(File* f);
  FileRef(FileRef&& o) : FileRef() { *this = static_cast<FileRef&&>(o); }
  FileRef& operator=(FileRef&& o);
  ~FileRef() { reset(); }

  File* file() const { return file_; }
  File* operator->() const { return file_; }
  explicit operator bool() const { return file_; }

 private:
  void reset();
  static void dropped(CallRef* r);
  File* file_ = nullptr;
};

// Blocks the calling thread until `f` reports one of `events` (or error or
// hang-up), the deadline passes (0: none) or a signal arrives. Returns the
// ready events, 0 on timeout, -EINTR on a signal, -EPIPE if `f` went away
// (only a file the caller holds no reference to can: another socket).
// What stat says of a file with no inode of its own (eventfd, pidfd), as
// Linux's anon_inodefs answers: always 0.
long anon_inode_stat(Stat* st);

[[nodiscard]] long wait_for_file(File* f, uint32_t events, uint64_t deadline_ns);

struct FdTable : Fallible {  // one per process; `new` may yield nullptr
  static constexpr int kMax = 1024;  // RLIMIT_NOFILE
  File* files[kMax] = {};
  bool cloexec[kMax] = {};

  // The file behind `fd`, held for the calling system call (empty when
  // the descriptor is not open).
  FileRef get(int64_t fd) const { return FileRef(at(fd)); }
  bool is_open(int64_t fd) const { return at(fd); }
  // Lowest free descriptor >= min, or -EMFILE. The table takes over the
  // caller's reference to `f`.
  int install(File* f, int min = 0, bool close_on_exec = false);
  // -EBADF, or 0: callers closing a descriptor they know is open ignore it.
  long close(int64_t fd);
  void close_all();

 private:
  // Descriptors are C ints: only the low 32 bits of the register count.
  File* at(int64_t raw) const {
    int32_t fd = int32_t(raw);
    return fd >= 0 && fd < kMax ? files[fd] : nullptr;
  }
};

FdTable& fd_table();

// The serial console: fds 0, 1 and 2 at start.
File* make_console_file();

}  // namespace kiln
