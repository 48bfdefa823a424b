#include "drivers/virtio/virtio_rng.h"

#include "arch/x86_64/cpu.h"
#include "core/clock.h"
#include "core/irq.h"
#include "drivers/dma.h"
#include "drivers/virtio/virtio.h"
#include "lib/mem.h"

namespace kiln::virtio {

VirtioRng* VirtioRng::create(Transport* t) {
  uint64_t features;
  if (!t->negotiate(kFeatureEventIdx, &features)) return nullptr;
  auto rng = new VirtioRng(t);
  if (!rng) {
    t->fail();
    return nullptr;
  }
  rng->buf_ = drivers::dma_alloc(kBufferSize);
  if (!rng->buf_.cpu || !t->setup_queue(0, &rng->q_, 4, 0)) {
    t->fail();
    drivers::dma_free(rng->buf_, kBufferSize);
    delete rng;
    return nullptr;
  }
  rng->q_.disable_interrupts();
  // QEMU interrupts for the first completion whatever the queue asks:
  // the handler must be there to lower a shared line.
  if (!irq_register(t->gsi(), t->trigger(), on_interrupt, rng)) {
    t->fail();
    delete rng;  // its ring memory stays with the failed device
    return nullptr;
  }
  t->driver_ok();
  return rng;
}

bool VirtioRng::on_interrupt(void* self) {
  return static_cast<VirtioRng*>(self)->t_->ack_interrupt() != 0;
}

size_t VirtioRng::read_polled(void* out, size_t n, uint64_t timeout_ns) {
  if (n > kBufferSize) n = kBufferSize;
  if (!busy_) {
    Chunk c{buf_.device, uint32_t(n)};
    if (!q_.add(nullptr, 0, &c, 1, this)) return 0;
    t_->kick(0, &q_);
    busy_ = true;
  }
  uint64_t deadline = monotonic_ns() + timeout_ns;
  uint32_t written = 0;
  while (!q_.pop(&written)) {
    if (monotonic_ns() >= deadline) return 0;  // still the device's: not reused
    cpu::pause();
  }
  busy_ = false;
  if (written > n) written = uint32_t(n);
  memcpy(out, buf_.cpu, written);
  memset(buf_.cpu, 0, written);
  return written;
}

}  // namespace kiln::virtio
