#include "drivers/virtio/virtio_net.h"

#include "core/console.h"
#include "core/heap.h"
#include "core/irq.h"
#include "core/random.h"
#include "drivers/devices.h"
#include "drivers/dma.h"
#include "drivers/virtio/driver.h"
#include "drivers/virtio/virtio.h"
#include "lib/format.h"
#include "lib/mem.h"

namespace kiln::virtio {
namespace {

constexpr uint64_t kFeatureCsum = 1ull << 0, kFeatureHostTso4 = 1ull << 11,
                   kFeatureHostTso6 = 1ull << 12;
// The transmit offloads: the stack hands over TCP segments of up to 64 KiB
// (NetDevice::transmit's tso_mss) that the host cuts and checksums.
constexpr uint64_t kTransmitOffloads = kFeatureCsum | kFeatureHostTso4 | kFeatureHostTso6;
constexpr uint64_t kFeatureGuestCsum = 1ull << 1, kFeatureMtu = 1ull << 3, kFeatureMac = 1ull << 5,
                   kFeatureGuestTso4 = 1ull << 7, kFeatureGuestTso6 = 1ull << 8,
                   kFeatureMergeable = 1ull << 15;
// The receive offloads: the host hands over TCP segments up to 64 KiB as
// it got them (no cutting to the MTU, no checksum), spread over several
// receive buffers. Per received byte that is ~40x fewer frames, interrupts
// and stack passes: under TCG, what host-to-guest throughput is made of.
constexpr uint64_t kReceiveOffloads = kFeatureGuestCsum | kFeatureGuestTso4 | kFeatureGuestTso6 |
                                      kFeatureMergeable;
// struct virtio_net_hdr_v1: flags, and num_buffers with mergeable buffers.
constexpr uint8_t kHdrNeedsCsum = 1, kHdrDataValid = 2;
constexpr uint8_t kGsoTcp4 = 1, kGsoTcp6 = 4;
constexpr uint16_t kNoSlot = 0xffff;
constexpr uint32_t kHdrNumBuffers = 10;
constexpr size_t kLargestPacket = 65535 + 14 + 4;  // an IP datagram, Ethernet and VLAN headers
// struct virtio_net_config.
constexpr uint32_t kConfigMac = 0, kConfigMtu = 10;
constexpr uint32_t kMaxMtu = 9000;
constexpr uint32_t kEthernetHeader = 14, kVlanTag = 4;

void* token(size_t i) { return reinterpret_cast<void*>(i + 1); }
size_t index(void* token) { return reinterpret_cast<size_t>(token) - 1; }

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
  // Each group of offloads all or none; negotiating again resets the device.
  uint64_t wanted = kFeatureMac | kFeatureMtu | kReceiveOffloads | kTransmitOffloads;
  if (!t_->negotiate(wanted, &features)) return false;
  const uint64_t groups[] = {kReceiveOffloads, kTransmitOffloads};
  for (uint64_t group : groups) {
    if ((features & group) == group || !(features & group)) continue;
    wanted &= ~group;
    if (!t_->negotiate(wanted, &features)) return false;
  }
  large_receive_ = (features & kReceiveOffloads) == kReceiveOffloads;
  large_send_ = (features & kTransmitOffloads) == kTransmitOffloads;
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
  if (large_receive_) {
    // Packets larger than one buffer are copied together here.
    assembly_ = static_cast<uint8_t*>(kmalloc(kLargestPacket));
    if (!assembly_) return false;
  }

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
  for (uint16_t i = 0; i < tx_count_; i++) {
    tx_free_[i] = i;
    tx_next_[i] = kNoSlot;
  }
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
    for (uint16_t slot = uint16_t(index(tok)); slot != kNoSlot;) {
      uint16_t next = tx_next_[slot];
      tx_next_[slot] = kNoSlot;
      tx_free_[tx_free_count_++] = slot;
      slot = next;
    }
    freed = true;
  }
  if (freed && tx_waiting_) {
    tx_waiting_ = false;
    tx_.disable_interrupts();
  }
  return freed;
}

size_t VirtioNet::tso_max() const { return large_send_ ? kLargestPacket - kVlanTag : 0; }

// The header of a large TCP segment for the device to cut: where the
// checksum starts and how long the headers are. False if the frame is not
// one (the stack only marks TCP over IPv4 or IPv6 without extensions).
bool VirtioNet::tso_header(const uint8_t* frame, size_t len, uint16_t mss, uint8_t* hdr) {
  uint16_t type = uint16_t(frame[12] << 8 | frame[13]);
  size_t l4;
  uint8_t gso;
  if (type == 0x0800 && len >= kEthernetHeader + 20 && frame[kEthernetHeader + 9] == 6) {
    l4 = kEthernetHeader + size_t(frame[kEthernetHeader] & 15) * 4;
    gso = kGsoTcp4;
  } else if (type == 0x86dd && len >= kEthernetHeader + 40 && frame[kEthernetHeader + 6] == 6) {
    l4 = kEthernetHeader + 40;
    gso = kGsoTcp6;
  } else {
    return false;
  }
  if (l4 + 20 > len) return false;
  size_t headers = l4 + size_t(frame[l4 + 12] >> 4) * 4;
  auto put16 = [](uint8_t* p, size_t v) {
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
  };
  hdr[0] = kHdrNeedsCsum;
  hdr[1] = gso;
  put16(hdr + 2, headers);  // hdr_len
  put16(hdr + 4, mss);      // gso_size
  put16(hdr + 6, l4);       // csum_start
  put16(hdr + 8, 16);       // csum_offset: TCP's checksum field
  return true;
}

bool VirtioNet::transmit(const uint8_t* frame, size_t len, uint16_t tso_mss) {
  size_t limit = tso_mss ? tso_max() : buffer_size_ - kHeaderSize;
  if (len < kEthernetHeader || len > limit) {
    stats_.tx_dropped++;
    return true;  // never fits: dropped, not kept for later
  }
  // Big frames take several slots, chained (tx_next_), one descriptor each.
  size_t need = (kHeaderSize + len + buffer_size_ - 1) / buffer_size_;
  if (tx_free_count_ < need && !reclaim_tx()) {
    // Full: what is queued must reach the device for the ring to drain,
    // and an interrupt (then poll()) tells when most of it has.
    flush();
    tx_waiting_ = true;
    if (!tx_.enable_interrupts_delayed()) reclaim_tx();
  }
  if (tx_free_count_ < need) return false;  // the stack keeps it for later
  uint8_t header[kHeaderSize] = {};
  if (tso_mss && !tso_header(frame, len, tso_mss, header)) {
    stats_.tx_dropped++;
    return true;
  }
  Chunk chunks[kMaxBuffers];
  uint16_t first = kNoSlot, prev = kNoSlot;
  size_t done = 0;
  for (size_t k = 0; k < need; k++) {
    uint16_t slot = tx_free_[--tx_free_count_];
    uint8_t* buf = tx_buffer(slot);
    size_t at = 0;
    if (k == 0) {
      memcpy(buf, header, kHeaderSize);
      at = kHeaderSize;
      first = slot;
    } else {
      tx_next_[prev] = slot;
    }
    size_t n = len - done < buffer_size_ - at ? len - done : buffer_size_ - at;
    memcpy(buf + at, frame + done, n);
    done += n;
    chunks[k] = Chunk{tx_mem_.device + uint64_t(slot) * buffer_size_, uint32_t(at + n)};
    prev = slot;
  }
  tx_.add(chunks, need, nullptr, 0, token(first));  // a descriptor per slot: always room
  stats_.tx_frames++;
  return true;
}

void VirtioNet::flush() {
  if (t_->kick(kTxQueue, &tx_)) stats_.kicks++;
}

// QEMU takes a kicked frame in a bottom half of its main loop: one sent
// just before the exit port is written is lost unless the exit waits.
size_t VirtioNet::tx_in_flight() {
  reclaim_tx();
  return tx_.in_flight();
}

// One received packet from the buffer just popped (`i`, `len` bytes with
// the header) and, with mergeable buffers, the ones after it; every buffer
// used goes back to the ring.
void VirtioNet::receive_one(size_t i, uint32_t len) {
  const uint8_t* hdr = rx_buffer(i);
  bool csum_ok = large_receive_ && (hdr[0] & (kHdrNeedsCsum | kHdrDataValid));
  uint16_t buffers = large_receive_ ? uint16_t(hdr[kHdrNumBuffers] | hdr[kHdrNumBuffers + 1] << 8) : 1;
  bool good = len >= kHeaderSize + kEthernetHeader && len <= buffer_size_ && buffers >= 1;
  const uint8_t* frame = hdr + kHeaderSize;
  size_t size = good ? len - kHeaderSize : 0;
  if (good && buffers > 1) memcpy(assembly_, frame, size);
  refill(i);
  for (uint16_t k = 1; k < buffers; k++) {
    uint32_t more;
    void* tok = rx_.pop(&more);
    if (!tok) {  // the device announced buffers it did not use: a broken device
      good = false;
      break;
    }
    size_t j = index(tok);
    if (good && more <= buffer_size_ && size + more <= kLargestPacket) {
      memcpy(assembly_ + size, rx_buffer(j), more);
      size += more;
    } else {
      good = false;
    }
    refill(j);
  }
  if (!good) {
    stats_.rx_dropped++;
    return;
  }
  deliver(buffers > 1 ? assembly_ : frame, size, csum_ok);
}

void VirtioNet::refill(size_t i) {
  Chunk c{rx_mem_.device + uint64_t(i) * buffer_size_, buffer_size_};
  rx_.add(nullptr, 0, &c, 1, token(i));  // its descriptor was just freed
}

void VirtioNet::poll() {
  reclaim_tx();
  for (;;) {
    bool refilled = false, starved = false;
    uint32_t len;
    while (void* tok = rx_.pop(&len)) {
      starved |= rx_.in_flight() == 0;  // the device had no buffer left
      receive_one(index(tok), len);
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

namespace {

bool start(Transport* t) {
  if (drivers::net_device_count() == drivers::kMaxNetDevices) {
    kprintf("kiln: virtio-net %s: more than %lu interfaces: ignored\n", t->location(),
            drivers::kMaxNetDevices);
    delete t;
    return true;
  }
  VirtioNet* dev = VirtioNet::create(t);
  if (!dev) return false;
  drivers::add_net_device(dev);
  if (verbose()) {
    net::MacAddr mac = dev->mac();
    const uint8_t* m = mac.b;
    kprintf("kiln: virtio-net%lu %s irq %u mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n",
            drivers::net_device_count() - 1, t->location(), t->gsi(), m[0], m[1], m[2], m[3],
            m[4], m[5], dev->mtu());
  }
  return true;
}

KILN_SET_ENTRY(virtio_drivers, Driver, g_driver) = {kTypeNet, "virtio-net", start};

}  // namespace

}  // namespace kiln::virtio
