// Open file descriptions and the descriptor table. A File is shared by
// every descriptor dup'ed from it (offset, status flags), as on Linux.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/errno.h"
#include "lib/list.h"
#include "lib/fallible.h"

namespace kiln {

namespace fs {
class Node;
}
struct LinuxStat;

// Readiness bits: Linux's POLL* / EPOLL* values.
inline constexpr uint32_t kPollIn = 0x001, kPollPri = 0x002, kPollOut = 0x004,
                          kPollErr = 0x008, kPollHup = 0x010, kPollNval = 0x020,
                          kPollRdNorm = 0x040, kPollWrNorm = 0x100, kPollRdHup = 0x2000;
inline constexpr uint32_t kOpenNonblock = 04000, kOpenAppend = 02000, kOpenCloexec = 02000000;

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
  virtual long stat(LinuxStat* st) = 0;
  virtual long ioctl(uint64_t cmd, uint64_t arg) = 0;
  virtual long seek(int64_t, int) { return -29; }  // ESPIPE
  virtual long pread(uint64_t, size_t, uint64_t) { return -29; }   // ESPIPE
  virtual long pwrite(uint64_t, size_t, uint64_t) { return -29; }  // ESPIPE
  virtual long getdents(uint64_t, size_t) { return -20; }          // ENOTDIR
  virtual long sync() { return -22; }                             // EINVAL
  virtual long truncate(uint64_t) { return -22; }                 // EINVAL
  // readv/writev of user iovecs in one call, for files where the pieces
  // must not become separate calls (a socket: one sendmsg, so that nginx's
  // header and body leave in one segment). -ENOSYS: piece by piece.
  virtual long vector_io(bool /*write*/, uint64_t /*iov*/, uint64_t /*count*/) { return -ENOSYS; }
  // The VFS node behind a file opened by path (nullptr for pipes, sockets...).
  virtual fs::Node* node() { return nullptr; }
  // What /proc/self/fd/N shows: a path, or "pipe:[ino]", "socket:[ino]"...
  virtual void describe(char* buf, size_t cap);
  // Current readiness (kPoll* bits); plain files are always ready.
  virtual uint32_t poll_events() { return kPollIn | kPollOut | kPollRdNorm | kPollWrNorm; }
  // Whether readiness can change (epoll refuses files where it cannot: EPERM).
  virtual bool pollable() const { return false; }

  void add_watch(PollWatch* w) { watches_.push_back(w); }
  void remove_watch(PollWatch* w) {
    if (w->node.linked()) watches_.remove(w);
  }
  // Wakes whoever waits for this file (blocked readers and writers too).
  void notify_watchers();
  bool nonblocking() const { return status_flags & kOpenNonblock; }

  int refs = 1;
  uint32_t status_flags = 0;  // O_APPEND, O_NONBLOCK, access mode

 private:
  List<PollWatch, &PollWatch::node> watches_;
};

// Blocks the calling thread until `f` reports one of `events` (or error or
// hang-up), the deadline passes (0: none) or a signal arrives. Returns the
// ready events, 0 on timeout, -EINTR on a signal.
long wait_for_file(File* f, uint32_t events, uint64_t deadline_ns);

struct FdTable : Fallible {  // one per process; `new` may yield nullptr
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

// struct stat as the x86_64 Linux ABI lays it out.
struct LinuxStat {
  uint64_t dev, ino, nlink;
  uint32_t mode, uid, gid, pad0;
  uint64_t rdev;
  int64_t size, blksize, blocks;
  int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
  int64_t reserved[3];
};
static_assert(sizeof(LinuxStat) == 144);

// The serial console: fds 0, 1 and 2 at start.
File* make_console_file();

}  // namespace kiln
