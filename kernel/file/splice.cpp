// splice, tee and vmsplice: moving bytes into, out of and between pipes.
// kiln's pipes are a byte ring, not pages that could change hands, so the
// bytes are copied (through a scratch mapping in the caller's memory, as
// sendfile does), never more than the pipe side can take or give: what a
// call returns is exactly what moved, as on Linux. SPLICE_F_MOVE and
// SPLICE_F_GIFT are hints Linux too may ignore; SPLICE_F_NONBLOCK makes
// the pipe side non-blocking (the other side blocks as it would).
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/poll.h"
#include "abi/linux/stat.h"
#include "file/file.h"
#include "file/pipe.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "proc/signal.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

constexpr uint32_t kAllFlags = kSPLICE_F_MOVE | kSPLICE_F_NONBLOCK | kSPLICE_F_MORE | kSPLICE_F_GIFT;
constexpr size_t kChunk = 65536;  // a whole pipe
constexpr uint64_t kMaxIov = 1024;

bool is_pipe(File* f) { return f->kind() == FileKind::Pipe; }

// Waits until the read end has bytes: 1, or 0 at end of file (no writer),
// -EAGAIN, -EINTR.
long wait_readable(File* in, bool nonblock) {
  while (!pipe_used(in)) {
    if (!pipe_peer_open(in)) return 0;
    if (nonblock || in->nonblocking()) return -kEAGAIN;
    long r = wait_for_file(in, kPOLLIN, 0);
    if (r < 0) return r;
  }
  return 1;
}

// Waits until the write end has room: 1, or -EPIPE (with SIGPIPE) when no
// reader is left, -EAGAIN, -EINTR.
long wait_writable(File* out, bool nonblock) {
  for (;;) {
    if (!pipe_peer_open(out)) {
      send_signal(current_thread(), kSIGPIPE, kSI_USER, 1, 0);
      return -kEPIPE;
    }
    if (pipe_room(out)) return 1;
    if (nonblock || out->nonblocking()) return -kEAGAIN;
    long r = wait_for_file(out, kPOLLOUT, 0);
    if (r < 0) return r;
  }
}

struct Scratch {
  long addr = sys_mmap(0, kChunk, 3, 0x22, uint64_t(-1), 0);  // RW, PRIVATE|ANONYMOUS
  ~Scratch() {
    if (addr >= 0) (void)sys_munmap(uint64_t(addr), kChunk);  // its own mapping: cannot fail
  }
};

size_t smallest(size_t a, size_t b) { return a < b ? a : b; }

// From a pipe: peeks, writes what the other side takes, then drops that
// much (tee keeps it).
long from_pipe(File* in, File* out, int64_t* off, size_t len, bool nonblock, bool keep) {
  long r = wait_readable(in, nonblock);
  if (r <= 0) return r;
  if (is_pipe(out) && (r = wait_writable(out, nonblock)) < 0) return r;
  size_t n = smallest(smallest(len, pipe_used(in)), kChunk);
  if (is_pipe(out)) n = smallest(n, pipe_room(out));
  Scratch s;
  if (s.addr < 0) return s.addr;
  if (!pipe_peek(in, uint64_t(s.addr), n)) return -kEFAULT;
  long w = off ? out->pwrite(uint64_t(s.addr), n, uint64_t(*off)) : out->write(uint64_t(s.addr), n);
  if (w <= 0) return w;
  if (off) *off += w;
  if (!keep) pipe_consume(in, size_t(w));
  return w;
}

// Into a pipe from anything readable: no more than the pipe has room for.
long to_pipe(File* in, int64_t* off, File* out, size_t len, bool nonblock) {
  long r = wait_writable(out, nonblock);
  if (r < 0) return r;
  size_t n = smallest(smallest(len, pipe_room(out)), kChunk);
  Scratch s;
  if (s.addr < 0) return s.addr;
  long got = off ? in->pread(uint64_t(s.addr), n, uint64_t(*off)) : in->read(uint64_t(s.addr), n);
  if (got <= 0) return got;
  if (off) *off += got;
  return out->write(uint64_t(s.addr), size_t(got));  // fits: no wait, no short write
}

// What an offset may be given for: what pread and pwrite work on.
bool seekable(File* f) {
  Stat st;
  uint32_t type = f->stat(&st) < 0 ? 0 : st.mode & kS_IFMT;
  return type == kS_IFREG || type == kS_IFBLK;
}

bool readable(File* f) { return (f->status_flags & kO_ACCMODE) != kO_WRONLY; }
bool writable(File* f) { return (f->status_flags & kO_ACCMODE) != kO_RDONLY; }

}  // namespace

long sys_splice(uint64_t fd_in, uint64_t uoff_in, uint64_t fd_out, uint64_t uoff_out, uint64_t len,
                uint64_t flags) {
  if (flags & ~uint64_t(kAllFlags)) return -kEINVAL;
  FileRef in = fd_table().get(int64_t(fd_in));
  FileRef out = fd_table().get(int64_t(fd_out));
  if (!in || !out) return -kEBADF;
  if (!readable(in.file()) || !writable(out.file())) return -kEBADF;
  bool pin = is_pipe(in.file()), pout = is_pipe(out.file());
  if (!pin && !pout) return -kEINVAL;
  if (pin && pout && pipe_same(in.file(), out.file())) return -kEINVAL;
  if ((pin && uoff_in) || (pout && uoff_out)) return -kESPIPE;
  if (!pout && (out->status_flags & kO_APPEND)) return -kEINVAL;
  int64_t off = 0;
  uint64_t uoff = pin ? uoff_out : uoff_in;
  if (uoff && !seekable(pin ? out.file() : in.file())) return -kEINVAL;
  if (uoff && !get_user(&off, uoff)) return -kEFAULT;
  if (off < 0) return -kEINVAL;
  if (!len) return 0;
  bool nonblock = flags & kSPLICE_F_NONBLOCK;
  long r = pin ? from_pipe(in.file(), out.file(), uoff ? &off : nullptr, len, nonblock, false)
               : to_pipe(in.file(), uoff ? &off : nullptr, out.file(), len, nonblock);
  if (r > 0 && uoff && !put_user(uoff, off)) return -kEFAULT;
  return r;
}

long sys_tee(uint64_t fd_in, uint64_t fd_out, uint64_t len, uint64_t flags, uint64_t, uint64_t) {
  if (flags & ~uint64_t(kAllFlags)) return -kEINVAL;
  FileRef in = fd_table().get(int64_t(fd_in));
  FileRef out = fd_table().get(int64_t(fd_out));
  if (!in || !out) return -kEBADF;
  if (!is_pipe(in.file()) || !is_pipe(out.file()) || pipe_same(in.file(), out.file()))
    return -kEINVAL;
  if (!readable(in.file()) || !writable(out.file())) return -kEBADF;
  if (!len) return 0;
  return from_pipe(in.file(), out.file(), nullptr, len, flags & kSPLICE_F_NONBLOCK, true);
}

// Into a pipe from the caller's memory, or (on a read end) out of it:
// writev and readv on the pipe, non-blocking with SPLICE_F_NONBLOCK.
long sys_vmsplice(uint64_t fd, uint64_t iov, uint64_t count, uint64_t flags, uint64_t, uint64_t) {
  if (flags & ~uint64_t(kAllFlags)) return -kEINVAL;
  FileRef f = fd_table().get(int64_t(fd));
  if (!f || !is_pipe(f.file())) return -kEBADF;
  if (count > kMaxIov) return -kEINVAL;
  bool write = writable(f.file());
  uint32_t saved = f->status_flags;
  if (flags & kSPLICE_F_NONBLOCK) f->status_flags |= kO_NONBLOCK;
  long r = write ? sys_writev(fd, iov, count, 0, 0, 0) : sys_readv(fd, iov, count, 0, 0, 0);
  f->status_flags = (f->status_flags & ~kO_NONBLOCK) | (saved & kO_NONBLOCK);
  return r;
}

}  // namespace kiln
