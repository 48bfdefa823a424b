#include "drivers/devices.h"

#include "core/console.h"
#include "core/random.h"
#include "drivers/pci/pci.h"
#include "drivers/virtio/mmio_transport.h"
#include "drivers/virtio/pci_transport.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_blk.h"
#include "drivers/virtio/virtio_net.h"
#include "drivers/virtio/virtio_rng.h"
#include "lib/mem.h"

namespace kiln::drivers {
namespace {

constexpr size_t kMaxNet = 8, kMaxBlock = 26;
constexpr uint64_t kEntropyTimeoutNs = 1'000'000'000;

virtio::VirtioNet* g_net[kMaxNet];
size_t g_net_count;
virtio::VirtioBlk* g_block[kMaxBlock];
size_t g_block_count;
size_t g_rng_count;

// Disks as found, before they are named.
struct Found {
  virtio::VirtioBlk* dev;
  char serial[24];
  bool placed;
};
Found g_found[kMaxBlock];
size_t g_found_count;

void seed_from(virtio::VirtioRng* rng, size_t n) {
  uint8_t buf[64];
  size_t got = rng->read_polled(buf, sizeof buf, kEntropyTimeoutNs);
  random_add_entropy(buf, got);
  memset(buf, 0, sizeof buf);
  virtio::Transport* t = rng->transport();
  if (verbose())
    kprintf("kiln: virtio-rng%lu %s irq %u: %lu bytes of entropy\n", n, t->location(), t->gsi(),
            got);
  if (!got) kprintf("kiln: virtio-rng%lu %s: no answer within 1 s\n", n, t->location());
}

void found(virtio::Transport* t) {
  switch (t->device_type()) {
    case virtio::kTypeNet: {
      if (g_net_count == kMaxNet) break;
      virtio::VirtioNet* dev = virtio::VirtioNet::create(t);
      if (!dev) {
        kprintf("kiln: virtio-net %s: the device did not start\n", t->location());
        return;
      }
      size_t n = g_net_count;
      g_net[g_net_count++] = dev;
      if (verbose()) {
        net::MacAddr mac = dev->mac();
        const uint8_t* m = mac.b;
        kprintf("kiln: virtio-net%lu %s irq %u mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", n,
                t->location(), t->gsi(), m[0], m[1], m[2], m[3], m[4], m[5], dev->mtu());
      }
      return;
    }
    case virtio::kTypeBlock: {
      virtio::VirtioBlk* dev = virtio::VirtioBlk::create(t);
      if (!dev) {
        kprintf("kiln: virtio-blk %s: the device did not start\n", t->location());
        return;
      }
      if (g_found_count == kMaxBlock) {
        kprintf("kiln: virtio-blk %s: more than %lu disks: ignored\n", t->location(), kMaxBlock);
        return;
      }
      Found& f = g_found[g_found_count++];
      f.dev = dev;
      dev->serial(f.serial, sizeof f.serial);
      return;
    }
    case virtio::kTypeEntropy: {
      virtio::VirtioRng* rng = virtio::VirtioRng::create(t);
      if (!rng) {
        kprintf("kiln: virtio-rng %s: the device did not start\n", t->location());
        return;
      }
      seed_from(rng, g_rng_count++);
      return;
    }
    default:
      break;
  }
  if (verbose())
    kprintf("kiln: virtio device type %u %s: not driven\n", t->device_type(), t->location());
  delete t;
}

// The launcher names its disks kiln-vda, kiln-vdb... (docs/internals.md,
// "blk"): that is their place; others follow the last of those, in the
// order found.
void name_disks() {
  size_t next = 0;
  for (size_t pass = 0; pass < 2; pass++) {
    for (size_t k = 0; k < g_found_count; k++) {
      Found& f = g_found[k];
      const char* s = f.serial;
      bool named = strncmp(s, "kiln-vd", 7) == 0 && s[7] >= 'a' && s[7] < char('a' + kMaxBlock) &&
                   !s[8] && !g_block[s[7] - 'a'];
      size_t n;
      if (pass == 0) {
        if (!named) continue;
        n = size_t(s[7] - 'a');
        if (n + 1 > next) next = n + 1;
      } else {
        if (f.placed) continue;
        while (next < kMaxBlock && g_block[next]) next++;
        if (next == kMaxBlock) {
          kprintf("kiln: virtio-blk %s: no name left: ignored\n", f.dev->transport()->location());
          continue;
        }
        n = next;
      }
      g_block[n] = f.dev;
      f.placed = true;
      if (n >= g_block_count) g_block_count = n + 1;
    }
  }
  if (!verbose()) return;
  for (size_t n = 0; n < g_block_count; n++) {
    virtio::VirtioBlk* dev = g_block[n];
    if (!dev) continue;
    virtio::Transport* t = dev->transport();
    const char* serial = "";
    for (size_t k = 0; k < g_found_count; k++)
      if (g_found[k].dev == dev) serial = g_found[k].serial;
    kprintf("kiln: virtio-blk%lu %s irq %u vd%c %lu sectors (%lu MiB) %s%s%s%s\n", n,
            t->location(), t->gsi(), char('a' + n), dev->sectors(), dev->sectors() >> 11,
            dev->read_only() ? "read-only" : "read-write", dev->has_flush() ? " flush" : "",
            serial[0] ? " serial " : "", serial);
  }
}

}  // namespace

void probe_all() {
  // virtio-mmio exists on microvm, which has no PCI bridge; on pc and q35
  // its addresses may be PCI memory, whose reads are not harmless.
  if (pci::present())
    virtio::PciTransport::probe(found);
  else
    virtio::MmioTransport::probe(found);
  name_disks();
}

size_t net_device_count() { return g_net_count; }
net::NetDevice* net_device(size_t i) { return i < g_net_count ? g_net[i] : nullptr; }
size_t block_device_count() { return g_block_count; }
fs::BlockDevice* block_device(size_t i) { return i < g_block_count ? g_block[i] : nullptr; }
virtio::VirtioBlk* virtio_blk(size_t i) { return i < g_block_count ? g_block[i] : nullptr; }

}  // namespace kiln::drivers
