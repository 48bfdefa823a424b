#include "drivers/virtio/transport.h"

#include "drivers/dma.h"
#include "drivers/virtio/virtio.h"
#include "lib/mem.h"

namespace kiln::virtio {

bool Transport::negotiate(uint64_t wanted, uint64_t* agreed) {
  reset();
  set_status(kStatusAcknowledge);
  set_status(kStatusAcknowledge | kStatusDriver);
  uint64_t offered = device_features();
  if (!(offered & kFeatureVersion1)) {
    fail();
    return false;
  }
  uint64_t take = offered & (wanted | kFeatureVersion1);
  set_driver_features(take);
  set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  if (!(status() & kStatusFeaturesOk)) {
    fail();
    return false;
  }
  features_ = take;
  *agreed = take;
  return true;
}

bool Transport::setup_queue(uint16_t index, Virtqueue* q, uint16_t max_entries,
                            uint16_t indirect_max) {
  uint16_t limit = queue_max(index);
  if (limit == 0) return false;
  if (limit > max_entries) limit = max_entries;
  uint16_t size = 1;
  while (uint32_t(size) * 2 <= limit) size = uint16_t(size * 2);
  size_t bytes = Virtqueue::memory_size(size, indirect_max);
  DmaRegion mem = drivers::dma_alloc(bytes);
  if (!mem.cpu) return false;
  q->init(size, mem, features_ & kFeatureEventIdx, indirect_max);
  if (!activate_queue(index, *q)) {
    drivers::dma_free(mem, bytes);
    return false;
  }
  return true;
}

void Transport::driver_ok() {
  set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
}

void Transport::fail() { set_status(uint8_t(status() | kStatusFailed)); }

void Transport::read_config(uint32_t offset, void* out, size_t n) {
  auto dst = static_cast<uint8_t*>(out);
  uint32_t before;
  do {
    before = config_generation();
    if (n == 1 || n == 2 || n == 4) {
      uint32_t v = config_read(offset, uint32_t(n));
      memcpy(dst, &v, n);
    } else if (n == 8) {
      uint32_t v[2] = {config_read(offset, 4), config_read(offset + 4, 4)};
      memcpy(dst, v, 8);
    } else {
      for (size_t i = 0; i < n; i++) dst[i] = uint8_t(config_read(offset + uint32_t(i), 1));
    }
  } while (config_generation() != before);
}

}  // namespace kiln::virtio
