// eventfd: a 64-bit counter as a file (counter and semaphore modes).
#include "file/eventfd.h"

#include "abi/linux/errno.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t kMax = ~0ull - 1;
constexpr uint32_t EFD_SEMAPHORE = 1;
constexpr uint64_t FIONREAD = 0x541b;

class EventFile final : public File {
 public:
  EventFile(uint64_t initial, bool semaphore) : count_(initial), semaphore_(semaphore) {}

  long read(uint64_t ubuf, size_t n) override {
    if (n < 8) return -kEINVAL;
    while (!count_) {
      if (nonblocking()) return -kEAGAIN;
      long r = wait_for_file(this, kPollIn, 0);
      if (r < 0) return r;
    }
    uint64_t v = semaphore_ ? 1 : count_;
    if (!put_user(ubuf, v)) return -kEFAULT;
    count_ -= v;
    notify_watchers();
    return 8;
  }

  long write(uint64_t ubuf, size_t n) override {
    if (n < 8) return -kEINVAL;
    uint64_t v;
    if (!get_user(&v, ubuf)) return -kEFAULT;
    if (v == ~0ull) return -kEINVAL;
    while (kMax - count_ < v) {
      if (nonblocking()) return -kEAGAIN;
      long r = wait_for_file(this, kPollOut, 0);
      if (r < 0) return r;
    }
    count_ += v;
    notify_watchers();
    return 8;
  }

  uint32_t poll_events() override {
    uint32_t ev = 0;
    if (count_) ev |= kPollIn | kPollRdNorm;
    if (count_ < kMax) ev |= kPollOut | kPollWrNorm;
    return ev;
  }

  bool pollable() const override { return true; }

  long stat(LinuxStat* st) override {
    *st = LinuxStat{};
    st->dev = 13;  // anon_inodefs
    st->ino = 1;
    st->nlink = 1;
    st->mode = 0600;
    st->blksize = 4096;
    return 0;
  }

  long ioctl(uint64_t cmd, uint64_t) override { return cmd == FIONREAD ? -kEINVAL : -kENOTTY; }

 private:
  uint64_t count_;
  bool semaphore_;
};

}  // namespace

File* make_eventfd(uint64_t initial, uint32_t flags) {
  auto f = new EventFile(initial, flags & EFD_SEMAPHORE);
  if (f) f->status_flags = 2 | (flags & kOpenNonblock);  // O_RDWR
  return f;
}

}  // namespace kiln
