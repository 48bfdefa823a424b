// The devices the kernel drives, found once at boot, and where the rest of
// the kernel finds them: net_device(i) for the network stack,
// block_device(i) for file systems (i = 0 is /dev/vda).
#pragma once

#include <stddef.h>

#include "fs/block_device.h"
#include "net/netif.h"

namespace kiln::virtio {
class VirtioBlk;
}

namespace kiln::drivers {

// Probes the virtio-mmio slots (microvm) and PCI (pc, q35), starts a driver
// for every virtio device found and mixes virtio-rng's bytes into the
// kernel's generator; in verbose mode, lists them. Once, at boot, after
// memory, the clock and irq_init(). Devices are numbered in the order of
// QEMU's -device options, per kind.
void probe_all();

size_t net_device_count();
net::NetDevice* net_device(size_t i);  // nullptr past the end
size_t block_device_count();
fs::BlockDevice* block_device(size_t i);  // nullptr past the end
// The virtio driver behind block_device(i), for its statistics.
virtio::VirtioBlk* virtio_blk(size_t i);

}  // namespace kiln::drivers
