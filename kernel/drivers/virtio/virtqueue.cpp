#include "drivers/virtio/virtqueue.h"

namespace kiln::virtio {

struct Virtqueue::Desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

namespace {

constexpr uint16_t kDescNext = 1, kDescWrite = 2, kDescIndirect = 4;
constexpr uint16_t kAvailNoInterrupt = 1, kUsedNoNotify = 1;

constexpr size_t align(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

struct Layout {
  size_t avail, used, indirect, tokens, counts, total;
};

// desc[size] | avail: flags, idx, ring[size], used_event | used: flags, idx,
// {id, len}[size], avail_event | indirect tables | the driver's own
// bookkeeping (tokens and chain lengths; the device never looks there).
Layout layout(uint16_t size, uint16_t indirect_max) {
  Layout l;
  l.avail = 16 * size_t(size);
  l.used = align(l.avail + 2 * (3 + size_t(size)), 64);
  l.indirect = align(l.used + 4 + 8 * size_t(size) + 2, 64);
  l.tokens = align(l.indirect + 16 * size_t(size) * indirect_max, 8);
  l.counts = l.tokens + sizeof(void*) * size;
  l.total = l.counts + 2 * size_t(size);
  return l;
}

// Whether moving an index from `old` to `now` passes `event` (the
// vring_need_event rule of the spec).
bool passes(uint16_t event, uint16_t now, uint16_t old) {
  return uint16_t(now - event - 1) < uint16_t(now - old);
}

void full_fence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

}  // namespace

size_t Virtqueue::memory_size(uint16_t size, uint16_t indirect_max) {
  return layout(size, indirect_max).total;
}

void Virtqueue::init(uint16_t size, DmaRegion mem, bool event_idx, uint16_t indirect_max) {
  Layout l = layout(size, indirect_max);
  mem_ = mem;
  avail_off_ = l.avail;
  used_off_ = l.used;
  indirect_off_ = l.indirect;
  tokens_off_ = l.tokens;
  counts_off_ = l.counts;
  size_ = size;
  mask_ = uint16_t(size - 1);
  indirect_max_ = indirect_max;
  event_idx_ = event_idx;
  Desc* d = desc();
  for (uint16_t i = 0; i < size; i++) d[i].next = uint16_t(i + 1);
  free_head_ = 0;
  num_free_ = size;
  in_flight_ = 0;
  avail_idx_ = published_idx_ = last_used_ = 0;
}

Virtqueue::Desc* Virtqueue::desc() const {
  static_assert(sizeof(Desc) == 16);
  return static_cast<Desc*>(mem_.cpu);
}

volatile uint16_t* Virtqueue::avail() const {
  return reinterpret_cast<volatile uint16_t*>(static_cast<char*>(mem_.cpu) + avail_off_);
}

volatile uint16_t* Virtqueue::used16() const {
  return reinterpret_cast<volatile uint16_t*>(static_cast<char*>(mem_.cpu) + used_off_);
}

volatile uint32_t* Virtqueue::used_entry(uint16_t slot) const {
  return reinterpret_cast<volatile uint32_t*>(static_cast<char*>(mem_.cpu) + used_off_ + 4 +
                                              8 * size_t(slot));
}

uint16_t Virtqueue::load_used_idx() const {
  return __atomic_load_n(&used16()[1], __ATOMIC_ACQUIRE);
}

bool Virtqueue::add(const Chunk* out, size_t nout, const Chunk* in, size_t nin, void* token) {
  size_t n = nout + nin;
  if (n == 0 || !token) return false;
  bool indirect = indirect_max_ && n > 1 && n <= indirect_max_;
  size_t needed = indirect ? 1 : n;
  if (needed > num_free_) return false;

  Desc* d = desc();
  uint16_t head = free_head_;
  auto chunk = [&](size_t k) { return k < nout ? out[k] : in[k - nout]; };
  auto flags = [&](size_t k) {
    return uint16_t((k >= nout ? kDescWrite : 0) | (k + 1 < n ? kDescNext : 0));
  };
  if (indirect) {
    size_t table_off = indirect_off_ + 16 * size_t(head) * indirect_max_;
    auto table = reinterpret_cast<Desc*>(static_cast<char*>(mem_.cpu) + table_off);
    for (size_t k = 0; k < n; k++)
      table[k] = Desc{chunk(k).addr, chunk(k).len, flags(k), uint16_t(k + 1)};
    d[head].addr = mem_.device + table_off;
    d[head].len = uint32_t(16 * n);
    d[head].flags = kDescIndirect;
    free_head_ = d[head].next;
  } else {
    // Free descriptors are linked through `next`, so a chain keeps the
    // links it was allocated with.
    uint16_t i = head;
    for (size_t k = 0; k < n; k++) {
      d[i].addr = chunk(k).addr;
      d[i].len = chunk(k).len;
      d[i].flags = flags(k);
      i = d[i].next;
    }
    free_head_ = i;
  }
  num_free_ = uint16_t(num_free_ - needed);
  reinterpret_cast<void**>(static_cast<char*>(mem_.cpu) + tokens_off_)[head] = token;
  reinterpret_cast<uint16_t*>(static_cast<char*>(mem_.cpu) + counts_off_)[head] = uint16_t(needed);
  avail()[2 + (avail_idx_ & mask_)] = head;
  avail_idx_++;
  in_flight_++;
  return true;
}

bool Virtqueue::publish() {
  if (avail_idx_ == published_idx_) return false;
  // Descriptors and ring entries before the index; the index before the
  // device's wishes are read.
  __atomic_store_n(&avail()[1], avail_idx_, __ATOMIC_RELEASE);
  full_fence();
  uint16_t old = published_idx_;
  published_idx_ = avail_idx_;
  if (event_idx_) {
    uint16_t avail_event = used16()[2 + 4 * size_t(size_)];
    return passes(avail_event, avail_idx_, old);
  }
  return !(used16()[0] & kUsedNoNotify);
}

bool Virtqueue::has_completed() const { return load_used_idx() != last_used_; }

void* Virtqueue::pop(uint32_t* written) {
  auto tokens = reinterpret_cast<void**>(static_cast<char*>(mem_.cpu) + tokens_off_);
  auto counts = reinterpret_cast<uint16_t*>(static_cast<char*>(mem_.cpu) + counts_off_);
  while (load_used_idx() != last_used_) {
    volatile uint32_t* e = used_entry(last_used_ & mask_);
    uint32_t id = e[0], len = e[1];
    last_used_++;
    if (id >= size_ || !tokens[id]) {
      bad_completions_++;
      continue;
    }
    void* token = tokens[id];
    tokens[id] = nullptr;
    Desc* d = desc();
    uint16_t last = uint16_t(id);
    for (uint16_t k = 1; k < counts[id]; k++) last = d[last].next;
    d[last].next = free_head_;
    free_head_ = uint16_t(id);
    num_free_ = uint16_t(num_free_ + counts[id]);
    in_flight_--;
    if (written) *written = len;
    return token;
  }
  return nullptr;
}

void Virtqueue::disable_interrupts() {
  if (event_idx_)
    // An event the used index has just passed: the device would have to
    // complete 65535 more chains to reach it again.
    avail()[2 + size_t(size_)] = uint16_t(last_used_ - 1);
  else
    avail()[0] = kAvailNoInterrupt;
}

bool Virtqueue::enable_interrupts() {
  if (event_idx_)
    avail()[2 + size_t(size_)] = last_used_;
  else
    avail()[0] = 0;
  full_fence();
  return load_used_idx() == last_used_;
}

bool Virtqueue::enable_interrupts_delayed() {
  if (!event_idx_) return enable_interrupts();
  auto delay = uint16_t(in_flight_ * 3 / 4);
  avail()[2 + size_t(size_)] = uint16_t(last_used_ + delay);
  full_fence();
  return uint16_t(load_used_idx() - last_used_) <= delay;
}

}  // namespace kiln::virtio
