// epoll: interest lists with level- and edge-triggered reporting and
// EPOLLONESHOT. Each item watches its file; a notification puts it on the
// ready list, and epoll_wait re-checks readiness there, so level-triggered
// items keep reporting while they stay ready.
#include "file/epoll.h"

#include "core/clock.h"
#include "core/thread.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/poll.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint32_t kControlBits = kEPOLLET | kEPOLLONESHOT | kEPOLLWAKEUP | kEPOLLEXCLUSIVE;
class EpollFile;

struct EpollItem {
  int fd = -1;
  File* file = nullptr;
  uint32_t events = 0;
  uint64_t data = 0;
  bool disabled = false;  // a one-shot item that fired
  EpollFile* owner = nullptr;
  PollWatch watch;
  ListNode all_node, ready_node;
};

class EpollFile final : public File {
 public:
  ~EpollFile() override {
    while (EpollItem* it = items_.front()) drop(it);
  }

  long read(uint64_t, size_t) override { return -kEINVAL; }
  long write(uint64_t, size_t) override { return -kEINVAL; }
  long ioctl(uint64_t, uint64_t) override { return -kENOTTY; }
  bool pollable() const override { return true; }
  FileKind kind() const override { return FileKind::Epoll; }
  uint32_t poll_events() override {
    for (EpollItem* it = ready_.front(); it; it = ready_.next_of(it))
      if (current(it)) return kPOLLIN | kPOLLRDNORM;
    return 0;
  }
  long stat(Stat* st) override {
    *st = Stat{};
    st->dev = 13;
    st->nlink = 1;
    st->mode = 0600;
    st->blksize = 4096;
    return 0;
  }

  long ctl(int op, int fd, File* f, const EpollEvent* ev) {
    EpollItem* it = find(fd, f);
    switch (op) {
      case kEPOLL_CTL_ADD: {
        if (it) return -kEEXIST;
        if (!f->pollable()) return -kEPERM;
        it = new EpollItem;
        if (!it) return -kENOMEM;
        it->fd = fd;
        it->file = f;
        it->owner = this;
        it->watch.notify = on_notify;
        it->watch.closed = on_closed;
        it->watch.ctx = it;
        items_.push_back(it);
        f->add_watch(&it->watch);
        set(it, ev);
        return 0;
      }
      case kEPOLL_CTL_MOD:
        if (!it) return -kENOENT;
        if (it->events & kEPOLLEXCLUSIVE) return -kEINVAL;
        set(it, ev);
        return 0;
      case kEPOLL_CTL_DEL:
        if (!it) return -kENOENT;
        drop(it);
        return 0;
      default:
        return -kEINVAL;
    }
  }

  // Up to `max` events into `out`; 0 when nothing is ready.
  int harvest(EpollEvent* out, int max) {
    int n = 0;
    for (EpollItem* it = ready_.front(); it && n < max;) {
      EpollItem* next = ready_.next_of(it);
      uint32_t ev = current(it);
      if (!ev) {
        ready_.remove(it);
      } else {
        out[n++] = EpollEvent{ev, it->data};
        if (it->events & kEPOLLONESHOT) it->disabled = true;
        // Edge-triggered: reported once per change; level: kept until not ready.
        if (it->events & (kEPOLLET | kEPOLLONESHOT)) ready_.remove(it);
      }
      it = next;
    }
    return n;
  }

 private:
  // The events of `it` that hold now.
  static uint32_t current(EpollItem* it) {
    if (it->disabled) return 0;
    uint32_t want = (it->events & ~kControlBits) | kPOLLERR | kPOLLHUP;
    return it->file->poll_events() & want;
  }

  void set(EpollItem* it, const EpollEvent* ev) {
    it->events = ev->events;
    it->data = ev->data;
    it->disabled = false;
    if (current(it) && !it->ready_node.linked()) ready_.push_back(it);
    notify_watchers();
  }

  EpollItem* find(int fd, File* f) {
    for (EpollItem* it = items_.front(); it; it = items_.next_of(it))
      if (it->fd == fd && it->file == f) return it;
    return nullptr;
  }

  void drop(EpollItem* it) {
    if (it->file) it->file->remove_watch(&it->watch);
    forget(it);
  }

  void forget(EpollItem* it) {
    items_.remove(it);
    if (it->ready_node.linked()) ready_.remove(it);
    delete it;
  }

  static void on_notify(PollWatch* w) {
    auto it = static_cast<EpollItem*>(w->ctx);
    EpollFile* ep = it->owner;
    if (!it->ready_node.linked() && current(it)) {
      ep->ready_.push_back(it);
      ep->notify_watchers();  // threads in epoll_wait, and nested epolls
    }
  }

  // The watched file was closed for good: Linux drops the item then.
  static void on_closed(PollWatch* w) {
    auto it = static_cast<EpollItem*>(w->ctx);
    it->file = nullptr;
    it->owner->forget(it);
  }

  List<EpollItem, &EpollItem::all_node> items_;
  List<EpollItem, &EpollItem::ready_node> ready_;
};

}  // namespace

File* make_epoll(uint32_t flags) {
  auto f = new EpollFile;
  if (f) f->status_flags = kO_RDWR | (flags & kEPOLL_CLOEXEC);
  return f;
}

long epoll_control(File* ep, int op, int fd, File* target, uint64_t uevent) {
  auto e = static_cast<EpollFile*>(ep);
  EpollEvent ev = {};
  if (op != kEPOLL_CTL_DEL && !get_user(&ev, uevent)) return -kEFAULT;
  if (target == ep) return -kEINVAL;
  return e->ctl(op, fd, target, &ev);
}

long epoll_wait_events(File* ep, uint64_t uevents, int max, uint64_t deadline) {
  auto e = static_cast<EpollFile*>(ep);
  EpollEvent batch[32];
  for (;;) {
    int n = e->harvest(batch, max < 32 ? max : 32);
    if (n) return copy_to_user(uevents, batch, sizeof(EpollEvent) * size_t(n)) ? n : -kEFAULT;
    if (deadline == ~0ull) return 0;
    long r = wait_for_file(ep, kPOLLIN, deadline);
    if (r < 0) return r;
    if (r == 0) return 0;  // timed out
  }
}

}  // namespace kiln
