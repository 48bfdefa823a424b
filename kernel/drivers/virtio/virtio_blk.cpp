#include "drivers/virtio/virtio_blk.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "core/irq.h"
#include "drivers/devices.h"
#include "drivers/dma.h"
#include "drivers/virtio/driver.h"
#include "drivers/virtio/virtio.h"
#include "abi/linux/errno.h"
#include "lib/format.h"

namespace kiln::virtio {
namespace {

constexpr uint64_t kFeatureSizeMax = 1ull << 1, kFeatureSegMax = 1ull << 2,
                   kFeatureReadOnly = 1ull << 5, kFeatureFlush = 1ull << 9;
// struct virtio_blk_config.
constexpr uint32_t kConfigCapacity = 0, kConfigSizeMax = 8, kConfigSegMax = 12;
constexpr uint32_t kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4, kTypeGetId = 8;
constexpr uint32_t kIdBytes = 20;
constexpr uint8_t kStatusOk = 0, kStatusUnsupported = 2, kStatusPending = 0xff;
constexpr uint32_t kSector = 512;

}  // namespace

// Shared with the device: the header it reads, the status byte it writes.
struct VirtioBlk::Request {
  struct {
    uint32_t type, reserved;
    uint64_t sector;
  } header;
  uint8_t status;
  bool busy;
  Batch* batch;
};

// One call's requests: the caller sleeps until they are all done.
struct VirtioBlk::Batch {
  WaitList waiters;
  uint16_t pending = 0;
  long error = 0;
};

VirtioBlk* VirtioBlk::create(Transport* t) {
  auto dev = new VirtioBlk(t);
  if (!dev) {
    t->fail();
    return nullptr;
  }
  if (!dev->start()) {
    t->fail();
    delete dev;  // its ring memory stays with the failed device
    return nullptr;
  }
  return dev;
}

bool VirtioBlk::start() {
  uint64_t features;
  uint64_t wanted = kFeatureEventIdx | kFeatureIndirectDesc | kFeatureReadOnly | kFeatureFlush |
                    kFeatureSegMax | kFeatureSizeMax;
  if (!t_->negotiate(wanted, &features)) return false;
  capacity_ = t_->config<uint64_t>(kConfigCapacity);
  read_only_ = features & kFeatureReadOnly;
  has_flush_ = features & kFeatureFlush;
  uint16_t indirect = features & kFeatureIndirectDesc ? kIndirectMax : 0;
  if (!t_->setup_queue(0, &q_, 256, indirect)) return false;
  if (!indirect && max_segments_ > uint32_t(q_.size() - 2)) max_segments_ = q_.size() - 2u;
  if (features & kFeatureSegMax) {
    uint32_t seg_max = t_->config<uint32_t>(kConfigSegMax);
    if (seg_max && seg_max < max_segments_) max_segments_ = seg_max;
  }
  if (features & kFeatureSizeMax) {
    uint32_t size_max = t_->config<uint32_t>(kConfigSizeMax);
    if (size_max >= kSector && size_max < max_segment_bytes_) max_segment_bytes_ = size_max;
  }
  requests_mem_ = drivers::dma_alloc(sizeof(Request) * kMaxRequests);
  if (!requests_mem_.cpu) return false;
  requests_ = static_cast<Request*>(requests_mem_.cpu);
  q_.enable_interrupts();
  if (!irq_register(t_->gsi(), t_->trigger(), on_interrupt, this)) return false;
  t_->driver_ok();
  return true;
}

uint64_t VirtioBlk::request_address(const Request* r, size_t field_offset) const {
  return requests_mem_.device + uint64_t(r - requests_) * sizeof(Request) + field_offset;
}

long VirtioBlk::read(uint64_t sector, uint32_t count, void* buf) {
  if (sector > capacity_ || count > capacity_ - sector) return -kEINVAL;
  return transfer(kTypeIn, sector, count, static_cast<uint8_t*>(buf));
}

long VirtioBlk::write(uint64_t sector, uint32_t count, const void* buf) {
  if (read_only_) return -kEROFS;
  if (sector > capacity_ || count > capacity_ - sector) return -kEINVAL;
  // The device only reads the buffer.
  return transfer(kTypeOut, sector, count, static_cast<uint8_t*>(const_cast<void*>(buf)));
}

long VirtioBlk::serial(char* out, size_t cap) {
  if (!cap) return -kEINVAL;
  char id[kIdBytes + 1] = {};
  long r = transfer(kTypeGetId, 0, 0, reinterpret_cast<uint8_t*>(id));
  // Devices that do not know GET_ID have no serial.
  if (r < 0) id[0] = 0;
  size_t n = 0;
  while (n + 1 < cap && id[n]) {
    out[n] = id[n];
    n++;
  }
  out[n] = 0;
  return r == -kEOPNOTSUPP ? 0 : r;
}

long VirtioBlk::flush() {
  // Without VIRTIO_BLK_F_FLUSH the device writes through: nothing to do.
  if (!has_flush_) return 0;
  return transfer(kTypeFlush, 0, 0, nullptr);
}

long VirtioBlk::transfer(uint32_t type, uint64_t sector, uint32_t count, uint8_t* buf) {
  Batch b;
  uint64_t left = type == kTypeFlush ? 1 : type == kTypeGetId ? kIdBytes : uint64_t(count) * kSector;
  while (left && !b.error) {
    // As many requests in flight as there is room for, then one kick.
    while (left) {
      long n = submit(b, type, sector, buf, type == kTypeFlush ? 0 : left);
      if (n == 0) break;  // no free request or descriptors
      if (n < 0) {
        b.error = n;
        break;
      }
      if (type == kTypeFlush || type == kTypeGetId) {
        left = 0;
        break;
      }
      buf += n;
      sector += uint64_t(n) / kSector;
      left -= uint64_t(n);
    }
    if (t_->kick(0, &q_)) stats_.kicks++;
    if (b.pending)
      wait(b);
    else if (left && !b.error)
      wait_for_room();  // other threads' requests hold every slot
  }
  wait(b);  // the requests point at `b`: none may outlive this call
  return b.error;
}

long VirtioBlk::submit(Batch& b, uint32_t type, uint64_t sector, uint8_t* buf, uint64_t bytes) {
  Request* r = nullptr;
  for (uint16_t i = 0; i < kMaxRequests && !r; i++)
    if (!requests_[i].busy) r = &requests_[i];
  if (!r) return 0;

  // Header, data (one chunk per physically contiguous piece), status.
  Chunk chain[kMaxSegments + 2];
  Chunk* data = chain + 1;
  uint32_t nseg = 0;
  uint64_t covered = 0;
  if (bytes > kMaxRequestBytes) bytes = kMaxRequestBytes;
  while (covered < bytes) {
    uint64_t pa = drivers::dma_address(buf + covered);
    if (!pa) return -kEFAULT;
    uint64_t len = 4096 - (pa & 4095);
    if (len > bytes - covered) len = bytes - covered;
    if (nseg && data[nseg - 1].addr + data[nseg - 1].len == pa &&
        data[nseg - 1].len + len <= max_segment_bytes_) {
      data[nseg - 1].len += uint32_t(len);
    } else {
      if (nseg == max_segments_) break;
      if (len > max_segment_bytes_) len = max_segment_bytes_;
      data[nseg++] = Chunk{pa, uint32_t(len)};
    }
    covered += len;
  }
  // Whole sectors only: trim what the segment limit cut short.
  uint64_t excess = type == kTypeGetId ? 0 : covered % kSector;
  covered -= excess;
  while (excess) {
    uint32_t cut = data[nseg - 1].len < excess ? data[nseg - 1].len : uint32_t(excess);
    data[nseg - 1].len -= cut;
    excess -= cut;
    if (!data[nseg - 1].len) nseg--;
  }
  // Only a device taking one segment per request, with a sector split
  // across pages, gets here.
  if (type != kTypeFlush && !covered) return -kEINVAL;

  r->header.type = type;
  r->header.reserved = 0;
  r->header.sector = sector;
  r->status = kStatusPending;
  chain[0] = Chunk{request_address(r, offsetof(Request, header)), 16};
  chain[nseg + 1] = Chunk{request_address(r, offsetof(Request, status)), 1};
  // The device reads the header (and data to write), then writes the data
  // it reads and the status.
  size_t nout = type == kTypeIn || type == kTypeGetId ? 1 : 1 + nseg;
  if (!q_.add(chain, nout, chain + nout, nseg + 2 - nout, r)) return 0;
  r->busy = true;
  r->batch = &b;
  b.pending++;
  stats_.requests++;
  if (++in_flight_ > stats_.max_in_flight) stats_.max_in_flight = in_flight_;
  return type == kTypeFlush ? 1 : long(covered);
}

void VirtioBlk::wait(Batch& b) {
  if (current_thread()) {
    while (b.pending) wait_on(b.waiters, 0);
  } else {
    // Boot: no thread to block and interrupts are off.
    while (b.pending) {
      reap();
      if (b.pending) cpu::pause();
    }
  }
}

void VirtioBlk::wait_for_room() {
  if (current_thread())
    wait_on(room_waiters_, 0);
  else
    reap();
}

void VirtioBlk::reap() {
  bool freed = false;
  do {
    uint32_t written;
    while (void* tok = q_.pop(&written)) {
      auto r = static_cast<Request*>(tok);
      Batch* b = r->batch;
      if (r->status != kStatusOk && !b->error)
        b->error = r->status == kStatusUnsupported ? -kEOPNOTSUPP : -kEIO;
      r->busy = false;
      in_flight_--;
      freed = true;
      if (--b->pending == 0) wake_list(b->waiters, -1);
    }
  } while (!q_.enable_interrupts());
  if (freed) wake_list(room_waiters_, -1);
}

bool VirtioBlk::on_interrupt(void* self) {
  auto dev = static_cast<VirtioBlk*>(self);
  if (!dev->t_->ack_interrupt()) return false;
  dev->stats_.interrupts++;
  dev->reap();
  return true;
}

namespace {

// Every disk this driver drives, for virtio_blk_of().
VirtioBlk* g_disks[drivers::kMaxBlockDevices];
size_t g_disk_count;

bool start(Transport* t) {
  VirtioBlk* dev = VirtioBlk::create(t);
  if (!dev) return false;
  char serial[24], where[64];
  if (dev->serial(serial, sizeof serial) < 0) serial[0] = 0;  // named by its place instead
  format(where, sizeof where, "%s irq %u", t->location(), t->gsi());
  if (g_disk_count < drivers::kMaxBlockDevices) g_disks[g_disk_count++] = dev;
  drivers::add_block_device(dev, "virtio-blk", serial, where, dev->has_flush() ? " flush" : "");
  return true;
}

KILN_SET_ENTRY(virtio_drivers, Driver, g_driver) = {kTypeBlock, "virtio-blk", start};

}  // namespace

VirtioBlk* virtio_blk_of(fs::BlockDevice* dev) {
  for (size_t i = 0; i < g_disk_count; i++)
    if (g_disks[i] == dev) return g_disks[i];
  return nullptr;
}

}  // namespace kiln::virtio
