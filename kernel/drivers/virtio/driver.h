// The virtio device drivers a kernel has: each registers itself here from
// its own module (virtio_net, virtio_blk), so a bake configuration that
// leaves one out has no code for it, and its devices are left alone.
#pragma once

#include <stdint.h>

#include "drivers/virtio/transport.h"
#include "lib/linker_set.h"

namespace kiln::virtio {

struct Driver {
  uint32_t type;     // the device ID virtio gives the kind (kTypeNet...)
  const char* name;  // "virtio-net", for messages
  // Starts a driver on `t`, which it owns from then on, and hands the device
  // to drivers/devices.h. False: the device did not start.
  bool (*start)(Transport* t);
};

}  // namespace kiln::virtio

namespace kiln {
KILN_SET_DECLARE(virtio_drivers, virtio::Driver)
}
