// eventfd: a 64-bit counter as a file (counter and semaphore modes).
#include "file/eventfd.h"

#include "abi/linux/errno.h"
#include "abi/linux/eventfd.h"
#include "abi/linux/ioctl.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t kMax = ~0ull - 1;

class EventFile final : public File {
 public:
  EventFile(uint64_t initial, bool semaphore) : count_(initial), semaphore_(semaphore) {}

  long read(uint64_t ubuf, size_t n) override {
    if (n < 8) return -kEINVAL;
    while (!count_) {
      if (nonblocking()) return -kEAGAIN;
      long r = wait_for_file(this, kPOLLIN, 0);
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
      long r = wait_for_file(this, kPOLLOUT, 0);
      if (r < 0) return r;
    }
    count_ += v;
    notify_watchers();
    return 8;
  }

  uint32_t poll_events() override {
    uint32_t ev = 0;
    if (count_) ev |= kPOLLIN | kPOLLRDNORM;
    if (count_ < kMax) ev |= kPOLLOUT | kPOLLWRNORM;
    return ev;
  }

  bool pollable() const override { return true; }

  long stat(Stat* st) override { return anon_inode_stat(st); }

  long ioctl(uint64_t cmd, uint64_t) override { return cmd == kFIONREAD ? -kEINVAL : -kENOTTY; }

 private:
  uint64_t count_;
  bool semaphore_;
};

}  // namespace

File* make_eventfd(uint64_t initial, uint32_t flags) {
  auto f = new EventFile(initial, flags & kEFD_SEMAPHORE);
  if (f) f->status_flags = kO_RDWR | (flags & kEFD_NONBLOCK);
  return f;
}

}  // namespace kiln
