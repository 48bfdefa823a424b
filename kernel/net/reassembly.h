// IP reassembly (IPv4, and IPv6's fragment header) with hard limits: a bounded number of datagrams in
// progress, of fragments per datagram and of bytes overall, and a timeout.
// Overlapping fragments (the teardrop family) discard the whole datagram;
// an exact duplicate (a retransmitting link) is merely ignored.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "net/packet.h"

namespace kiln::net {

class Reassembly {
 public:
  static constexpr size_t kMaxDatagrams = 32;
  static constexpr size_t kMaxFragments = 64;
  static constexpr size_t kMaxBytes = 512 * 1024;
  static constexpr uint64_t kTimeoutNs = 30'000'000'000ull;

  ~Reassembly();
  // One fragment: `payload` is the IP payload, `off` its byte offset, `more`
  // the MF flag. Returns a complete datagram (payload only) when this
  // fragment finishes one, else nullptr. `hdr`/`hdr_len` (the first
  // fragment's header) are kept so ICMP errors can quote them.
  // `max` bounds the reassembled payload (65515 for IPv4, 65535 for IPv6).
  Packet* add(const IpAddr& src, const IpAddr& dst, uint32_t id, uint8_t proto, uint32_t off,
              bool more, const uint8_t* payload, size_t len, size_t max, uint64_t now);
  void expire(uint64_t now);
  size_t in_progress() const;
  uint64_t dropped = 0;

 private:
  struct Datagram {
    bool used = false;
    IpAddr src, dst;
    uint32_t id = 0;
    uint8_t proto = 0;
    uint32_t total = 0;  // known once the last fragment arrived; 0 before
    uint32_t have = 0;   // bytes held
    size_t count = 0;
    uint64_t deadline = 0;
    PacketList frags;    // sorted by offset
  };
  void release(Datagram& d);
  Datagram slots_[kMaxDatagrams];
  size_t bytes_ = 0;
};

}  // namespace kiln::net
