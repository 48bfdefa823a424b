// The drivers' self-test, run instead of the program when the boot
// configuration says "selftest": true (tests/boot/virtio.sh drives it).
// It prints one "kiln: selftest ..." line per check and exits 0 when every
// check passed, 1 otherwise.
//
// Block devices: the first sector read at boot (polled, no thread yet);
// then from threads, with interrupts: an FNV-1a checksum of the whole disk
// read by one thread in large transfers while three others read the same
// sectors in small ones, out-of-range requests, and on a writable disk
// its last 4 sectors written from a kernel stack buffer, flushed and read
// back (the test checks the image file afterwards). Network devices
// (QEMU user networking): bursts of ARP requests for the gateway 10.0.2.2,
// one kick per burst, and after each the thread sleeps until the device's
// interrupt says the replies are in; every reply is counted.
#include "core/clock.h"
#include "core/console.h"
#include "core/memory.h"
#include "core/panic.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "drivers/virtio/virtio_blk.h"
#include "init/subsystem.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"

namespace kiln::drivers {
namespace {

constexpr uint32_t kSector = 512;
constexpr uint64_t kChunkSectors = 4096;  // 2 MiB: more than one request
constexpr uint64_t kSmallSectors = 16;
constexpr int kReaders = 3;
constexpr uint64_t kMaxDiskSectors = 64 * 2048;  // checksum at most 64 MiB

int g_failures;

void check(bool ok, const char* what, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
void check(bool ok, const char* what, const char* fmt, ...) {
  char detail[160];
  va_list ap;
  va_start(ap, fmt);
  vformat(detail, sizeof detail, fmt, ap);
  va_end(ap);
  kprintf("kiln: selftest %s: %s%s\n", what, ok ? "" : "FAILED: ", detail);
  if (!ok) g_failures++;
}

uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// The text at the start of a sector, up to its first newline.
void first_line(const uint8_t* sector, char* out, size_t cap) {
  size_t n = 0;
  while (n + 1 < cap && n < kSector && sector[n] >= ' ' && sector[n] < 0x7f) {
    out[n] = char(sector[n]);
    n++;
  }
  out[n] = 0;
}

uint8_t* alloc_pages(uint64_t bytes) {
  uint64_t pa = alloc_frames(page_align_up(bytes) / kPageSize);
  return pa ? static_cast<uint8_t*>(phys_to_virt(pa)) : nullptr;
}

// Threads reading the disk in small pieces while the main one reads it in
// large ones: requests from several threads in flight together.
struct Reader {
  fs::BlockDevice* dev;
  uint64_t sectors;
  uint64_t checksum;
  long error;
  bool done;
  WaitList* finished;
};

void reader_thread(void* arg) {
  auto r = static_cast<Reader*>(arg);
  uint8_t* buf = alloc_pages(kSmallSectors * kSector);
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint64_t s = 0; buf && s < r->sectors && !r->error; s += kSmallSectors) {
    uint64_t n = r->sectors - s < kSmallSectors ? r->sectors - s : kSmallSectors;
    r->error = r->dev->read(s, uint32_t(n), buf);
    h = fnv1a(h, buf, n * kSector);
  }
  if (!buf) r->error = -kENOMEM;
  r->checksum = h;
  r->done = true;
  wake_list(*r->finished, -1);
  thread_exit();
}

void test_block(size_t i) {
  virtio::VirtioBlk* dev = virtio::virtio_blk_of(block_device(i));
  if (!dev) return;
  char what[32];
  format(what, sizeof what, "virtio-blk%lu", i);
  uint64_t sectors = dev->sectors() < kMaxDiskSectors ? dev->sectors() : kMaxDiskSectors;

  WaitList finished;
  Reader readers[kReaders];
  for (auto& r : readers) {
    r = Reader{dev, sectors, 0, 0, false, &finished};
    if (!thread_create_kernel(reader_thread, &r)) panic("selftest: out of memory");
  }
  uint8_t* buf = alloc_pages(kChunkSectors * kSector);
  if (!buf) panic("selftest: out of memory");
  uint64_t h = 0xcbf29ce484222325ull;
  long error = 0;
  char first[40] = "", last[40] = "";
  for (uint64_t s = 0; s < sectors && !error; s += kChunkSectors) {
    uint64_t n = sectors - s < kChunkSectors ? sectors - s : kChunkSectors;
    error = dev->read(s, uint32_t(n), buf);
    h = fnv1a(h, buf, n * kSector);
    if (s == 0) first_line(buf, first, sizeof first);
    if (s + n == sectors) first_line(buf + (n - 1) * kSector, last, sizeof last);
  }
  for (auto& r : readers)
    while (!r.done) wait_on(finished, 0);
  bool same = true;
  for (auto& r : readers) same = same && !r.error && r.checksum == h;
  check(!error && same, what,
        "fnv1a %016lx over %lu sectors, %d threads agree, first \"%s\", last \"%s\"", h,
        sectors, kReaders + 1, first, last);

  uint8_t sector[kSector];
  check(dev->read(dev->sectors(), 1, sector) == -kEINVAL &&
            dev->read(dev->sectors() - 1, 2, sector) == -kEINVAL,
        what, "reads past the end: EINVAL");

  if (dev->read_only()) {
    check(dev->write(0, 1, sector) == -kEROFS, what, "write to a read-only disk: EROFS");
  } else if (dev->sectors() >= 4) {
    // From the kernel stack: pages that are not physically contiguous.
    uint8_t out[4 * kSector], back[4 * kSector];
    uint64_t at = dev->sectors() - 4;
    for (int k = 0; k < 4; k++) {
      uint8_t* p = out + k * kSector;
      for (uint32_t j = 0; j < kSector; j++) p[j] = uint8_t(j * 13 + k);
      format(reinterpret_cast<char*>(p), 32, "kiln wrote sector %08lu\n", at + uint64_t(k));
    }
    long w = dev->write(at, 4, out);
    long f = dev->flush();
    memset(back, 0, sizeof back);
    long r = dev->read(at, 4, back);
    check(!w && !f && !r && !memcmp(out, back, sizeof out), what,
          "wrote, flushed and read back sectors %lu..%lu (write %ld, flush %ld, read %ld)", at,
          at + 3, w, f, r);
  }
  const virtio::VirtioBlk::Stats& st = dev->stats();
  check(st.max_in_flight > 1, what, "%lu requests, up to %lu in flight, %lu kicks, %lu interrupts",
        st.requests, st.max_in_flight, st.kicks, st.interrupts);
}

// ARP who-has 10.0.2.2 tell 10.0.2.15, from `mac`.
void arp_request(uint8_t* f, const net::MacAddr& mac) {
  static const uint8_t tail[] = {0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1};
  memset(f, 0xff, 6);
  memcpy(f + 6, mac.b, 6);
  memcpy(f + 12, tail, sizeof tail);
  memcpy(f + 22, mac.b, 6);
  static const uint8_t ips[] = {10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 10, 0, 2, 2};
  memcpy(f + 28, ips, sizeof ips);
  memset(f + 42, 0, 18);  // padded to the 60-byte minimum
}

struct ArpCount {
  int replies;
  uint8_t from[6];
  WaitList wake;
};

void on_frame(void* ctx, net::NetDevice*, const uint8_t* f, size_t len, bool) {
  auto c = static_cast<ArpCount*>(ctx);
  // An ARP reply (op 2) from 10.0.2.2.
  if (len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 && f[28] == 10 && f[29] == 0 &&
      f[30] == 2 && f[31] == 2) {
    c->replies++;
    memcpy(c->from, f + 22, 6);
  }
}

void on_notify(void* ctx) { wake_list(static_cast<ArpCount*>(ctx)->wake, -1); }

void test_net(size_t i) {
  net::NetDevice* dev = net_device(i);
  char what[32];
  format(what, sizeof what, "virtio-net%lu", i);
  ArpCount count{0, {}, {}};
  dev->set_receiver(on_frame, &count);
  dev->set_notifier(on_notify, &count);
  constexpr int kBursts = 4, kBurst = 64;
  uint8_t frame[60];
  arp_request(frame, dev->mac());
  net::NetDevice::Stats before = dev->stats();
  int sent = 0;
  for (int b = 0; b < kBursts; b++) {
    for (int k = 0; k < kBurst; k++) sent += dev->transmit(frame, sizeof frame, 0);
    dev->flush();
    // Sleep first: only the device's interrupt (through the notifier) can
    // say that replies are waiting.
    uint64_t deadline = monotonic_ns() + 5'000'000'000ull;
    while (count.replies < sent && wait_on(count.wake, deadline)) dev->poll();
  }
  net::NetDevice::Stats s = dev->stats();
  dev->set_receiver(nullptr, nullptr);
  dev->set_notifier(nullptr, nullptr);
  const uint8_t* m = count.from;
  check(sent == kBursts * kBurst && count.replies == sent, what,
        "%d ARP requests in %d bursts, %d replies from 10.0.2.2 at %02x:%02x:%02x:%02x:%02x:%02x",
        sent, kBursts, count.replies, m[0], m[1], m[2], m[3], m[4], m[5]);
  check(s.kicks - before.kicks <= uint64_t(2 * kBursts) && s.interrupts > before.interrupts, what,
        "tx %lu rx %lu frames, %lu kicks, %lu interrupts", s.tx_frames - before.tx_frames,
        s.rx_frames - before.rx_frames, s.kicks - before.kicks, s.interrupts - before.interrupts);
}

void selftest_thread(void*) {
  for (size_t i = 0; i < block_device_count(); i++) test_block(i);
  for (size_t i = 0; i < net_device_count(); i++) test_net(i);
  kprintf("kiln: selftest: %s\n", g_failures ? "FAILED" : "passed");
  machine_exit(g_failures ? 1 : 0);
}

// After probe_all(), in place of the program; never returns.
void start(const BootConfig& config) {
  if (!config.selftest) return;
  // Before the scheduler runs: no thread to block, so the driver polls.
  for (size_t i = 0; i < block_device_count(); i++) {
    fs::BlockDevice* dev = block_device(i);
    if (!dev) continue;
    uint8_t sector[kSector];
    char what[32], line[40];
    format(what, sizeof what, "virtio-blk%lu", i);
    long r = dev->read(0, 1, sector);
    first_line(sector, line, sizeof line);
    check(r == 0, what, "sector 0 read at boot (polled): \"%s\"", line);
  }
  if (!thread_create_kernel(selftest_thread, nullptr)) panic("selftest: out of memory");
  scheduler_start();
}

KILN_SET_ENTRY(subsystems, Subsystem, g_selftest) = {"selftest", start, nullptr, nullptr, nullptr};

}  // namespace
}  // namespace kiln::drivers
