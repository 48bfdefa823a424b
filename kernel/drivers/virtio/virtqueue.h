// A split virtqueue (virtio 1.x, section 2.7) from the driver's side:
// descriptor allocation, buffer chains (direct or through an indirect
// table), batched publication with notification suppression, used-ring
// harvesting and interrupt suppression, with or without
// VIRTIO_F_EVENT_IDX.
//
// Portable: the ring memory and every buffer address come from the caller,
// so host tests run it against a simulated device. Not reentrant: one CPU,
// and the kernel's interrupt handlers only touch a queue while the thread
// that owns it is blocked.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::virtio {

// Memory shared with the device: what the CPU dereferences, and the address
// the device is given (the physical address: there is no IOMMU).
struct DmaRegion {
  void* cpu = nullptr;
  uint64_t device = 0;
};

// One piece of a buffer, in device addresses.
struct Chunk {
  uint64_t addr;
  uint32_t len;
};

class Virtqueue {
 public:
  static constexpr uint16_t kMaxSize = 32768;

  // Bytes of ring memory `init` needs for `size` entries (a power of two up
  // to kMaxSize) with an indirect table of `indirect_max` descriptors per
  // entry (0: no indirect descriptors).
  static size_t memory_size(uint16_t size, uint16_t indirect_max);
  // Lays the queue out in `mem`: zeroed, 16-byte aligned, memory_size bytes.
  void init(uint16_t size, DmaRegion mem, bool event_idx, uint16_t indirect_max);

  uint16_t size() const { return size_; }
  uint64_t desc_address() const { return mem_.device; }
  uint64_t avail_address() const { return mem_.device + avail_off_; }
  uint64_t used_address() const { return mem_.device + used_off_; }

  // Adds one chain: `nout` chunks the device reads, then `nin` it writes.
  // Chains of several chunks take one ring slot through an indirect table
  // when they fit in it. Returns false, adding nothing, when the ring has
  // no room. `token` (not null) comes back from pop() on completion.
  bool add(const Chunk* out, size_t nout, const Chunk* in, size_t nin, void* token);
  // Makes the chains added since the last call visible to the device.
  // Returns true when the device asked to be notified of them: one
  // notification then covers the whole batch.
  bool publish();

  // The next completed chain's token, with the bytes the device wrote into
  // it; nullptr when none is waiting.
  void* pop(uint32_t* written);
  bool has_completed() const;

  // Interrupt suppression. enable_interrupts asks for an interrupt at the
  // next completion, and returns false when completions are already
  // waiting (pop them and enable again, or no interrupt may come).
  void disable_interrupts();
  bool enable_interrupts();
  // Asks for an interrupt only once about three quarters of the chains in
  // flight have completed (for transmit rings: few interrupts); same
  // return value.
  bool enable_interrupts_delayed();

  uint16_t free_descriptors() const { return num_free_; }
  uint16_t in_flight() const { return in_flight_; }
  // Used-ring entries that named no chain in flight (a misbehaving device);
  // they are skipped.
  uint64_t bad_completions() const { return bad_completions_; }

 private:
  struct Desc;
  Desc* desc() const;
  volatile uint16_t* avail() const;  // flags, idx, ring[size], used_event
  volatile uint16_t* used16() const;  // flags, idx, then the entries
  volatile uint32_t* used_entry(uint16_t slot) const;
  uint16_t load_used_idx() const;

  DmaRegion mem_;
  size_t avail_off_ = 0, used_off_ = 0, indirect_off_ = 0, tokens_off_ = 0, counts_off_ = 0;
  uint16_t size_ = 0, mask_ = 0, indirect_max_ = 0;
  bool event_idx_ = false;
  uint16_t free_head_ = 0, num_free_ = 0, in_flight_ = 0;
  uint16_t avail_idx_ = 0;      // next avail slot (free running)
  uint16_t published_idx_ = 0;  // avail idx the device was last shown
  uint16_t last_used_ = 0;      // used entries consumed (free running)
  uint64_t bad_completions_ = 0;
};

}  // namespace kiln::virtio
