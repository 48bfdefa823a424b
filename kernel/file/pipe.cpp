// Pipes: a 64 KiB ring shared by a read end and a write end, with Linux's
// blocking, O_NONBLOCK, EOF, EPIPE + SIGPIPE and PIPE_BUF atomicity rules.
#include "file/pipe.h"

#include "core/heap.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/ioctl.h"
#include "abi/linux/limits.h"
#include "abi/linux/signal.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr size_t kCapacity = 65536;
uint64_t g_next_ino = 1;

struct Pipe {
  uint8_t* buf = nullptr;
  size_t head = 0, used = 0;  // read position, bytes stored
  int readers = 0, writers = 0;  // open ends
  uint64_t ino = g_next_ino++;
  File* ends[2] = {};  // for waking the other side
};

void notify_both(Pipe* p) {
  for (File* f : p->ends)
    if (f) f->notify_watchers();
}

class PipeEnd final : public File {
 public:
  PipeEnd(Pipe* p, bool reader) : pipe_(p), reader_(reader) {
    (reader ? p->readers : p->writers)++;
    p->ends[reader ? 0 : 1] = this;
    status_flags = reader ? kO_RDONLY : kO_WRONLY;
  }
  ~PipeEnd() override {
    (reader_ ? pipe_->readers : pipe_->writers)--;
    pipe_->ends[reader_ ? 0 : 1] = nullptr;
    notify_both(pipe_);
    if (!pipe_->readers && !pipe_->writers) {
      kfree(pipe_->buf);
      delete pipe_;
    }
  }

  long read(uint64_t ubuf, size_t n) override {
    if (!reader_) return -kEBADF;
    if (!n) return 0;
    for (;;) {
      if (pipe_->used) break;
      if (!pipe_->writers) return 0;  // EOF
      if (nonblocking()) return -kEAGAIN;
      long r = wait_for_file(this, kPOLLIN, 0);
      if (r < 0) return r;
    }
    size_t done = 0;
    while (done < n && pipe_->used) {
      size_t chunk = kCapacity - pipe_->head;
      if (chunk > pipe_->used) chunk = pipe_->used;
      if (chunk > n - done) chunk = n - done;
      if (!copy_to_user(ubuf + done, pipe_->buf + pipe_->head, chunk))
        return done ? long(done) : -kEFAULT;
      pipe_->head = (pipe_->head + chunk) % kCapacity;
      pipe_->used -= chunk;
      done += chunk;
    }
    notify_both(pipe_);
    return long(done);
  }

  long write(uint64_t ubuf, size_t n) override {
    if (reader_) return -kEBADF;
    size_t done = 0;
    while (done < n) {
      if (!pipe_->readers) {
        send_signal(current_thread(), kSIGPIPE, kSI_USER, 1, 0);
        return done ? long(done) : -kEPIPE;
      }
      size_t room = kCapacity - pipe_->used;
      // Up to PIPE_BUF bytes go in at once or not at all.
      bool fits = n - done > kPIPE_BUF ? room > 0 : room >= n - done;
      if (!fits) {
        if (nonblocking()) return done ? long(done) : -kEAGAIN;
        long r = wait_for_file(this, kPOLLOUT, 0);
        if (r < 0) return done ? long(done) : r;
        continue;
      }
      size_t tail = (pipe_->head + pipe_->used) % kCapacity;
      size_t chunk = kCapacity - tail;
      if (chunk > room) chunk = room;
      if (chunk > n - done) chunk = n - done;
      if (!copy_from_user(pipe_->buf + tail, ubuf + done, chunk))
        return done ? long(done) : -kEFAULT;
      pipe_->used += chunk;
      done += chunk;
      notify_both(pipe_);
    }
    return long(done);
  }

  uint32_t poll_events() override {
    if (reader_) {
      uint32_t ev = pipe_->used ? kPOLLIN | kPOLLRDNORM : 0;
      if (!pipe_->writers) ev |= kPOLLHUP;
      return ev;
    }
    if (!pipe_->readers) return kPOLLERR;
    return kCapacity - pipe_->used >= kPIPE_BUF ? kPOLLOUT | kPOLLWRNORM : 0;
  }

  bool pollable() const override { return true; }
  FileKind kind() const override { return FileKind::Pipe; }

  long stat(Stat* st) override {
    *st = Stat{};
    st->dev = 12;  // pipefs
    st->ino = pipe_->ino;
    st->nlink = 1;
    st->mode = kS_IFIFO | 0600;
    st->blksize = 4096;
    return 0;
  }

  long ioctl(uint64_t cmd, uint64_t arg) override {
    if (cmd != kFIONREAD) return -kENOTTY;
    int32_t n = reader_ ? int32_t(pipe_->used) : 0;
    return put_user(arg, n) ? 0 : -kEFAULT;
  }

  Pipe* pipe() const { return pipe_; }  // for splice (pipe.h)
  bool reader() const { return reader_; }

 private:
  Pipe* pipe_;
  bool reader_;
};

}  // namespace

size_t pipe_used(File* f) { return static_cast<PipeEnd*>(f)->pipe()->used; }
size_t pipe_room(File* f) { return kCapacity - static_cast<PipeEnd*>(f)->pipe()->used; }

bool pipe_same(File* a, File* b) {
  return static_cast<PipeEnd*>(a)->pipe() == static_cast<PipeEnd*>(b)->pipe();
}

bool pipe_peer_open(File* f) {
  auto e = static_cast<PipeEnd*>(f);
  return e->reader() ? e->pipe()->writers > 0 : e->pipe()->readers > 0;
}

bool pipe_peek(File* f, uint64_t ubuf, size_t n) {
  Pipe* p = static_cast<PipeEnd*>(f)->pipe();
  size_t first = kCapacity - p->head < n ? kCapacity - p->head : n;
  return copy_to_user(ubuf, p->buf + p->head, first) &&
         (first == n || copy_to_user(ubuf + first, p->buf, n - first));
}

void pipe_consume(File* f, size_t n) {
  Pipe* p = static_cast<PipeEnd*>(f)->pipe();
  p->head = (p->head + n) % kCapacity;
  p->used -= n;
  notify_both(p);
}

long make_pipe(File** read_end, File** write_end) {
  auto p = new Pipe;
  if (!p) return -kENOMEM;
  p->buf = static_cast<uint8_t*>(kmalloc(kCapacity));
  PipeEnd* r = p->buf ? new PipeEnd(p, true) : nullptr;
  if (!r) {
    kfree(p->buf);
    delete p;
    return -kENOMEM;
  }
  auto w = new PipeEnd(p, false);
  if (!w) {
    delete r;  // the last end frees the pipe
    return -kENOMEM;
  }
  *read_end = r;
  *write_end = w;
  return 0;
}

}  // namespace kiln
