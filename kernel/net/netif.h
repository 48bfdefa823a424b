// The boundary between network drivers and the stack. A driver (virtio-net,
// the loopback, a simulated link in host tests) implements NetDevice; the
// stack hands it finished Ethernet frames and receives frames through
// NetStack::input(). Portable: no kernel headers.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::net {

struct MacAddr {
  uint8_t b[6];
};

class NetDevice {
 public:
  virtual ~NetDevice() = default;
  // Queues one Ethernet frame (no FCS); the device copies it. Returns false
  // when the transmit ring is full: the stack keeps the frame and offers it
  // again after a later poll(), so the driver must make sure one comes
  // (notify when its ring has room again). `tso_mss` nonzero: the frame is
  // one large TCP segment (up to tso_max() bytes) whose checksum field
  // holds only the pseudo-header's sum; the device cuts it into segments of
  // that many payload bytes and completes every checksum.
  virtual bool transmit(const uint8_t* frame, size_t len, uint16_t tso_mss) = 0;
  // The largest frame transmit() takes with a tso_mss; 0: no segmentation
  // offload.
  virtual size_t tso_max() const { return 0; }
  // Makes queued frames go out: drivers batch notifications (one kick for
  // many frames), and the stack calls this once per burst.
  virtual void flush() {}
  // Frames given to transmit() that the device has not finished with yet
  // (after taking back those it has). At exit the kernel waits for them:
  // a last UDP datagram would otherwise go down with the machine.
  virtual size_t tx_in_flight() { return 0; }
  virtual MacAddr mac() const = 0;
  virtual uint32_t mtu() const { return 1500; }

  // Received frames reach the stack through the receiver it installs.
  // Drivers never call it from an interrupt handler: the handler only wakes
  // the network thread, which calls poll(); poll() delivers what arrived
  // (and reclaims finished transmit buffers). `csum_ok`: the device vouches
  // for the frame's TCP/UDP checksum (it checked it, or the frame comes from
  // the host with the checksum left to hardware that never ran), so the
  // stack need not check it; such a frame may exceed the MTU (a segment the
  // host did not cut up: virtio's receive offloads).
  using Receiver = void (*)(void* ctx, NetDevice* dev, const uint8_t* frame, size_t len,
                            bool csum_ok);
  void set_receiver(Receiver r, void* ctx) {
    rx_ = r;
    rx_ctx_ = ctx;
  }
  virtual void poll() {}
  // How the driver wakes the network thread: it calls the notifier from its
  // interrupt handler (interrupts off) when poll() has work, so the
  // notifier may only wake a thread.
  using Notifier = void (*)(void* ctx);
  void set_notifier(Notifier n, void* ctx) {
    notify_ = n;
    notify_ctx_ = ctx;
  }

  // Counters for the benchmark's kicks and interrupts per packet.
  struct Stats {
    uint64_t rx_frames, tx_frames, rx_dropped, tx_dropped, kicks, interrupts;
  };
  const Stats& stats() const { return stats_; }

 protected:
  void deliver(const uint8_t* frame, size_t len, bool csum_ok = false) {
    stats_.rx_frames++;
    if (rx_) rx_(rx_ctx_, this, frame, len, csum_ok);
  }
  Stats stats_ = {};
  void notify_stack() {
    if (notify_) notify_(notify_ctx_);
  }

 private:
  Receiver rx_ = nullptr;
  void* rx_ctx_ = nullptr;
  Notifier notify_ = nullptr;
  void* notify_ctx_ = nullptr;
};

}  // namespace kiln::net
