// virtio-rng (virtio 1.x section 5.4): seeds the kernel's generator at
// boot. It is read by polling, before any thread exists; its interrupt
// handler only acknowledges the device, whose line may be shared (PCI).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio/transport.h"
#include "drivers/virtio/virtqueue.h"

namespace kiln::virtio {

class VirtioRng {
 public:
  // Starts the device; nullptr (with the device marked failed) when it
  // cannot be driven.
  static VirtioRng* create(Transport* t);

  // Up to `n` (at most kBufferSize) random bytes from the device; fewer,
  // possibly 0, if it has not answered within `timeout_ns`.
  size_t read_polled(void* out, size_t n, uint64_t timeout_ns);

  Transport* transport() const { return t_; }
  static constexpr size_t kBufferSize = 256;

 private:
  explicit VirtioRng(Transport* t) : t_(t) {}
  static bool on_interrupt(void* self);

  Transport* t_;
  Virtqueue q_;
  DmaRegion buf_;
  bool busy_ = false;  // a request the device has not completed yet
};

}  // namespace kiln::virtio
