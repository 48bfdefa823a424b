// virtio-net (virtio 1.x section 5.1): one receive and one transmit queue.
// Offloads when the device has a whole group: on receive (checksums, TCP
// segmentation for IPv4 and IPv6, mergeable buffers) large segments come
// in whole; on transmit (checksum, TCP segmentation) TCP hands over large
// segments that the host cuts. Without them the stack computes its own
// checksums and cuts its own segments.
//
// VM exits are what costs: the driver notifies the device once per batch
// (receive buffers are given back together at the end of poll(), frames
// queued by transmit() go out on flush()), and with VIRTIO_F_EVENT_IDX the
// device is only notified when it asked to be. It interrupts once per
// batch of received frames; transmit completions are reaped without
// interrupts unless the ring filled up.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio/transport.h"
#include "drivers/virtio/virtqueue.h"
#include "net/netif.h"

namespace kiln::virtio {

class VirtioNet final : public net::NetDevice {
 public:
  // Starts the device; nullptr (with the device marked failed) when it
  // cannot be driven.
  static VirtioNet* create(Transport* t);

  bool transmit(const uint8_t* frame, size_t len, uint16_t tso_mss) override;
  size_t tso_max() const override;
  void flush() override;
  size_t tx_in_flight() override;
  net::MacAddr mac() const override { return mac_; }
  uint32_t mtu() const override { return mtu_; }
  void poll() override;

  Transport* transport() const { return t_; }

 private:
  static constexpr uint16_t kRxQueue = 0, kTxQueue = 1;
  static constexpr uint16_t kMaxBuffers = 128;  // per direction
  static constexpr uint32_t kHeaderSize = 12;   // struct virtio_net_hdr_v1

  explicit VirtioNet(Transport* t) : t_(t) {}
  bool start();
  static bool on_interrupt(void* self);
  bool reclaim_tx();
  void receive_one(size_t i, uint32_t len);
  static bool tso_header(const uint8_t* frame, size_t len, uint16_t mss, uint8_t* hdr);
  void refill(size_t i);
  uint8_t* rx_buffer(size_t i) const;
  uint8_t* tx_buffer(size_t i) const;

  Transport* t_;
  Virtqueue rx_, tx_;
  DmaRegion rx_mem_, tx_mem_;
  uint32_t buffer_size_ = 0;  // header + the largest frame, rounded up
  uint16_t rx_count_ = 0, tx_count_ = 0;
  uint16_t tx_free_[kMaxBuffers];
  uint16_t tx_next_[kMaxBuffers];  // the next slot of a frame's chain, or none
  uint16_t tx_free_count_ = 0;
  bool tx_waiting_ = false;  // transmit interrupts on: the ring filled
  bool large_receive_ = false;  // kReceiveOffloads agreed
  bool large_send_ = false;     // kTransmitOffloads agreed
  uint8_t* assembly_ = nullptr;  // a packet spread over several buffers
  net::MacAddr mac_ = {};
  uint32_t mtu_ = 1500;
};

}  // namespace kiln::virtio
