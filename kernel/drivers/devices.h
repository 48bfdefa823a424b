// The devices the kernel drives, found once at boot, and where the rest of
// the kernel finds them: net_device(i) for the network stack,
// block_device(i) for file systems (i = 0 is /dev/vda).
#pragma once

#include <stddef.h>

#include "fs/block_device.h"
#include "net/netif.h"

namespace kiln::drivers {

// Probes the virtio-mmio slots (microvm) and PCI (pc, q35), starts a driver
// for every virtio device found and mixes virtio-rng's bytes into the
// kernel's generator; in verbose mode, lists them. Once, at boot, after
// memory, the clock and irq_init(). Devices are numbered in the order of
// QEMU's -device options, per kind.
void probe_all();

inline constexpr size_t kMaxNetDevices = 8, kMaxBlockDevices = 26;

size_t net_device_count();
net::NetDevice* net_device(size_t i);  // nullptr past the end
size_t block_device_count();
fs::BlockDevice* block_device(size_t i);  // nullptr past the end
// Drivers hand over their devices as they find them: interfaces are
// numbered in that order (add_net_device is called only below
// kMaxNetDevices); disks are named vda, vdb... by their serial, "kiln-vdX"
// from the launcher, or else in that order. `kind` ("virtio-blk"), `where`
// and `features` describe a disk on the console.
void add_net_device(net::NetDevice* dev);
void add_block_device(fs::BlockDevice* dev, const char* kind, const char* serial,
                      const char* where, const char* features);

// With -v, at exit: every network device's frames, drops, kicks and
// interrupts, and kicks and interrupts per frame (bench/net.sh reads them).
void print_net_stats();

}  // namespace kiln::drivers
