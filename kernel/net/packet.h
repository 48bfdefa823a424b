// A packet being built for output or held in a queue (ARP pending, IP
// reassembly, datagram receive queues). Input frames are parsed in place
// from the driver's buffer; only what must outlive the receive call is
// copied into a Packet. Headers are prepended into the headroom.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "net/addr.h"
#include "lib/fallible.h"

namespace kiln::net {

// Room for Ethernet + IPv6/IPv4 with options + TCP with options.
inline constexpr size_t kHeadroom = 14 + 60 + 60 + 10;

class Packet : public Fallible {
 public:
  // A packet of `len` payload bytes after `headroom` free bytes; nullptr
  // when the heap is exhausted.
  static Packet* create(size_t len, size_t headroom = kHeadroom);
  ~Packet() { free_bytes(buf_); }
  Packet(const Packet&) = delete;
  Packet& operator=(const Packet&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t len() const { return len_; }
  // Grows the packet at the front by n bytes (a header); nullptr if the
  // headroom is too small (a bug in the caller, never input-driven).
  uint8_t* push(size_t n);
  // Drops n bytes at the front.
  void pull(size_t n);
  void trim(size_t n) { if (n < len_) len_ = n; }

  ListNode node;
  // What queues keep with a packet.
  Endpoint from;              // datagram queues: the sender
  uint32_t next_hop = 0;      // ARP pending queue: the address being resolved
  uint16_t frag_off = 0;      // reassembly: byte offset of this fragment
  uint64_t stamp = 0;         // queue-specific time
  uint16_t tso_mss = 0;       // a large TCP segment for the device to cut (NetDevice)

 private:
  Packet() = default;
  uint8_t* buf_ = nullptr;
  uint8_t* data_ = nullptr;
  size_t len_ = 0, cap_ = 0;
};

using PacketList = List<Packet, &Packet::node>;

// Frees every packet of a queue.
void drain(PacketList& q);

}  // namespace kiln::net
