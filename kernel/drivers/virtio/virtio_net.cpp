#include "drivers/virtio/virtio_net.h"

#include "core/console.h"
#include "core/irq.h"
#include "core/random.h"
#include "drivers/devices.h"
#include "drivers/dma.h"
#include "drivers/virtio/virtio.h"
#include "lib/format.h"
#include "lib/mem.h"

namespace kiln::virtio {
namespace {

constexpr uint64_t kFeatureMtu = 1ull << 3, kFeatureMac = 1ull << 5;
// struct virtio_net_config.
constexpr uint32_t kConfigMac = 0, kConfigMtu = 10;
constexpr uint32_t kMaxMtu = 9000;
constexpr uint32_t kEthernetHeader = 14, kVlanTag = 4;

void* token(size_t i) { return reinterpret_cast<void*>(i + 1); }
size_t index(void* token) { return reinterpret_cast<size_t>(token) - 1; }

// "0.123": thousandths of n / d without floating point.
void format_ratio(char* out, size_t size, uint64_t n, uint64_t d) {
  uint64_t milli = d ? n * 1000 / d : 0;
  format(out, size, "%lu.%03lu", milli / 1000, milli % 1000);
}

}  // namespace

VirtioNet* VirtioNet::create(Transport* t) {
  auto dev = new VirtioNet(t);
  if (!dev) {
    t->fail();
    return nullptr;
  }
  if (!dev->start()) {
    t->fail();
    delete dev;  // its ring memory stays with the failed device
    return nullptr;
  }
  return dev;
}

bool VirtioNet::start() {
  uint64_t features;
  // No VIRTIO_F_EVENT_IDX here, unlike virtio-blk: with it, QEMU 7.2's
  // receive side was seen stopping for good under sustained load (buffers
  // posted, QEMU waiting for a notification; 1 run in 6-7 of a 10 s HTTP
  // load, 0 in 12 without). The flags (NO_NOTIFY / NO_INTERRUPT) still
  // suppress notifications; kicks and interrupts per frame stay ~0.02 in bulk.
  if (!t_->negotiate(kFeatureMac | kFeatureMtu, &features)) return false;
  if (features & kFeatureMac) {
    t_->read_config(kConfigMac, mac_.b, sizeof mac_.b);
  } else {
    // A random locally administered unicast address, as Linux makes one.
    random_bytes(mac_.b, sizeof mac_.b);
    mac_.b[0] = uint8_t((mac_.b[0] & 0xfe) | 0x02);
  }
  if (features & kFeatureMtu) {
    mtu_ = t_->config<uint16_t>(kConfigMtu);
    if (mtu_ > kMaxMtu) mtu_ = kMaxMtu;
    if (mtu_ < 68) mtu_ = 68;
  }
  buffer_size_ = (kHeaderSize + kEthernetHeader + kVlanTag + mtu_ + 2047) & ~2047u;

  if (!t_->setup_queue(kRxQueue, &rx_, 256, 0) || !t_->setup_queue(kTxQueue, &tx_, 256, 0))
    return false;
  rx_count_ = rx_.size() < kMaxBuffers ? rx_.size() : kMaxBuffers;
  tx_count_ = tx_.size() < kMaxBuffers ? tx_.size() : kMaxBuffers;
  rx_mem_ = drivers::dma_alloc(size_t(rx_count_) * buffer_size_);
  tx_mem_ = drivers::dma_alloc(size_t(tx_count_) * buffer_size_);
  if (!rx_mem_.cpu || !tx_mem_.cpu) return false;
  for (uint16_t i = 0; i < rx_count_; i++) {
    Chunk c{rx_mem_.device + uint64_t(i) * buffer_size_, buffer_size_};
    rx_.add(nullptr, 0, &c, 1, token(i));
  }
  for (uint16_t i = 0; i < tx_count_; i++) tx_free_[i] = i;
  tx_free_count_ = tx_count_;
  rx_.enable_interrupts();
  tx_.disable_interrupts();
  if (!irq_register(t_->gsi(), t_->trigger(), on_interrupt, this)) return false;
  t_->driver_ok();
  // The device may be told of buffers only once it is running.
  if (t_->kick(kRxQueue, &rx_)) stats_.kicks++;
  return true;
}

uint8_t* VirtioNet::rx_buffer(size_t i) const {
  return static_cast<uint8_t*>(rx_mem_.cpu) + i * buffer_size_;
}

uint8_t* VirtioNet::tx_buffer(size_t i) const {
  return static_cast<uint8_t*>(tx_mem_.cpu) + i * buffer_size_;
}

bool VirtioNet::on_interrupt(void* self) {
  auto dev = static_cast<VirtioNet*>(self);
  if (!dev->t_->ack_interrupt()) return false;
  dev->stats_.interrupts++;
  dev->notify_stack();
  return true;
}

bool VirtioNet::reclaim_tx() {
  bool freed = false;
  while (void* tok = tx_.pop(nullptr)) {
    tx_free_[tx_free_count_++] = uint16_t(index(tok));
    freed = true;
  }
  if (freed && tx_waiting_) {
    tx_waiting_ = false;
    tx_.disable_interrupts();
  }
  return freed;
}

bool VirtioNet::transmit(const uint8_t* frame, size_t len) {
  if (len < kEthernetHeader || len > buffer_size_ - kHeaderSize) {
    stats_.tx_dropped++;
    return false;
  }
  if (!tx_free_count_ && !reclaim_tx()) {
    // Full: what is queued must reach the device for the ring to drain,
    // and an interrupt (then poll()) tells when most of it has.
    flush();
    tx_waiting_ = true;
    if (!tx_.enable_interrupts_delayed()) reclaim_tx();
    if (!tx_free_count_) return false;  // the stack keeps it for later
  }
  uint16_t slot = tx_free_[--tx_free_count_];
  uint8_t* buf = tx_buffer(slot);
  memset(buf, 0, kHeaderSize);  // no checksum or segmentation offload
  memcpy(buf + kHeaderSize, frame, len);
  Chunk c{tx_mem_.device + uint64_t(slot) * buffer_size_, uint32_t(kHeaderSize + len)};
  tx_.add(&c, 1, nullptr, 0, token(slot));  // one descriptor per slot: always room
  stats_.tx_frames++;
  return true;
}

void VirtioNet::flush() {
  if (t_->kick(kTxQueue, &tx_)) stats_.kicks++;
}

void VirtioNet::poll() {
  reclaim_tx();
  for (;;) {
    bool refilled = false, starved = false;
    uint32_t len;
    while (void* tok = rx_.pop(&len)) {
      starved |= rx_.in_flight() == 0;  // the device had no buffer left
      size_t i = index(tok);
      if (len >= kHeaderSize + kEthernetHeader && len <= buffer_size_)
        deliver(rx_buffer(i) + kHeaderSize, len - kHeaderSize);
      else
        stats_.rx_dropped++;
      Chunk c{rx_mem_.device + uint64_t(i) * buffer_size_, buffer_size_};
      rx_.add(nullptr, 0, &c, 1, tok);  // its descriptor was just freed
      refilled = true;
    }
    // Every buffer back in one batch, one notification at most. A device
    // that ran dry stopped reading its backend and waits for this
    // notification: give it even when the event index says no (under
    // sustained load QEMU was seen waiting for good with buffers posted).
    if (refilled && starved) {
      t_->kick_always(kRxQueue, &rx_);
      stats_.kicks++;
    } else if (refilled && t_->kick(kRxQueue, &rx_)) {
      stats_.kicks++;
    }
    if (rx_.enable_interrupts()) break;
  }
}

void print_net_stats() {
  for (size_t i = 0; i < drivers::net_device_count(); i++) {
    const net::NetDevice* dev = drivers::net_device(i);
    if (!dev) continue;
    const net::NetDevice::Stats& s = dev->stats();
    uint64_t frames = s.rx_frames + s.tx_frames;
    char kicks[24], irqs[24];
    format_ratio(kicks, sizeof kicks, s.kicks, frames);
    format_ratio(irqs, sizeof irqs, s.interrupts, frames);
    kprintf("kiln: eth%lu: %lu frames in, %lu out, %lu dropped; %lu kicks, %lu interrupts; "
            "per frame %s kicks, %s interrupts\n",
            i, s.rx_frames, s.tx_frames, s.rx_dropped + s.tx_dropped, s.kicks, s.interrupts, kicks, irqs);
  }
}

}  // namespace kiln::virtio
