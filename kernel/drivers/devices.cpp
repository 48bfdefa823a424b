#include "drivers/devices.h"

#include "core/console.h"
#include "core/random.h"
#include "drivers/pci/pci.h"
#include "drivers/virtio/mmio_transport.h"
#include "drivers/virtio/pci_transport.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/driver.h"
#include "drivers/virtio/virtio_rng.h"
#include "lib/format.h"
#include "lib/mem.h"

namespace kiln::drivers {
namespace {

constexpr size_t kMaxNet = kMaxNetDevices, kMaxBlock = kMaxBlockDevices;
constexpr uint64_t kEntropyTimeoutNs = 1'000'000'000;

net::NetDevice* g_net[kMaxNet];
size_t g_net_count;
fs::BlockDevice* g_block[kMaxBlock];
size_t g_block_count;
size_t g_rng_count;

// Disks as found, before they are named.
struct Found {
  fs::BlockDevice* dev;
  char serial[24];
  const char* kind;      // the driver's: "virtio-blk"
  char where[64];        // "<location> irq N"
  const char* features;  // the driver's, for the console
  bool placed;
};
Found g_found[kMaxBlock];
size_t g_found_count;

// "0.123": thousandths of n / d without floating point.
void format_ratio(char* out, size_t size, uint64_t n, uint64_t d) {
  uint64_t milli = d ? n * 1000 / d : 0;
  format(out, size, "%lu.%03lu", milli / 1000, milli % 1000);
}

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

bool start_rng(virtio::Transport* t) {
  virtio::VirtioRng* rng = virtio::VirtioRng::create(t);
  if (!rng) return false;
  seed_from(rng, g_rng_count++);
  return true;
}

KILN_SET_ENTRY(virtio_drivers, virtio::Driver, g_rng_driver) = {virtio::kTypeEntropy, "virtio-rng",
                                                               start_rng};

void found(virtio::Transport* t) {
  for (const virtio::Driver& d : virtio_drivers_set()) {
    if (d.type != t->device_type()) continue;
    if (!d.start(t)) kprintf("kiln: %s %s: the device did not start\n", d.name, t->location());
    return;
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
          kprintf("kiln: %s %s: no name left: ignored\n", f.kind, f.where);
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
    const Found* f = nullptr;
    for (size_t k = 0; k < g_found_count; k++)
      if (g_found[k].dev == g_block[n]) f = &g_found[k];
    if (!f) continue;
    const fs::BlockDevice* dev = f->dev;
    kprintf("kiln: %s%lu %s vd%c %lu sectors (%lu MiB) %s%s%s%s\n", f->kind, n, f->where,
            char('a' + n),
            dev->sectors(), dev->sectors() >> 11, dev->read_only() ? "read-only" : "read-write",
            f->features, f->serial[0] ? " serial " : "", f->serial);
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
void add_net_device(net::NetDevice* dev) {
  if (g_net_count < kMaxNet) g_net[g_net_count++] = dev;
}

void add_block_device(fs::BlockDevice* dev, const char* kind, const char* serial,
                      const char* where, const char* features) {
  if (g_found_count == kMaxBlock) {
    kprintf("kiln: %s %s: more than %lu disks: ignored\n", kind, where, kMaxBlock);
    return;
  }
  Found& f = g_found[g_found_count++];
  f.dev = dev;
  f.kind = kind;
  format(f.serial, sizeof f.serial, "%s", serial);
  format(f.where, sizeof f.where, "%s", where);
  f.features = features;
}

void print_net_stats() {
  for (size_t i = 0; i < g_net_count; i++) {
    const net::NetDevice::Stats& s = g_net[i]->stats();
    uint64_t frames = s.rx_frames + s.tx_frames;
    char kicks[24], irqs[24];
    format_ratio(kicks, sizeof kicks, s.kicks, frames);
    format_ratio(irqs, sizeof irqs, s.interrupts, frames);
    kprintf("kiln: eth%lu: %lu frames in, %lu out, %lu dropped; %lu kicks, %lu interrupts; "
            "per frame %s kicks, %s interrupts\n",
            i, s.rx_frames, s.tx_frames, s.rx_dropped + s.tx_dropped, s.kicks, s.interrupts, kicks,
            irqs);
  }
}

}  // namespace kiln::drivers
