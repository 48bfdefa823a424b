// One network interface: a device (or the stack's own loopback), its IPv4
// address, and its ARP cache.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/list.h"
#include "net/addr.h"
#include "net/alloc.h"
#include "net/netif.h"
#include "net/packet.h"

namespace kiln::net {

// One neighbour. Incomplete entries hold the packets waiting for the answer.
struct ArpEntry {
  enum State : uint8_t { Free, Incomplete, Reachable };
  State state = Free;
  uint8_t tries = 0;
  Ip4 ip;
  MacAddr mac = {};
  uint64_t deadline = 0;  // Incomplete: next request; Reachable: expiry
  uint64_t used = 0;      // for eviction of the least recently used
  PacketList pending;
  size_t pending_bytes = 0;
};

class Interface : public Fallible {
 public:
  static constexpr size_t kArpEntries = 64;
  // Packets waiting for one neighbour: enough for a fragmented datagram
  // (Linux bounds this queue by bytes, 64 KiB, too).
  static constexpr size_t kArpPendingMax = 64;
  static constexpr size_t kArpPendingBytes = 64 * 1024;

  Interface(NetDevice* d, const char* n, int idx);
  ~Interface();

  bool loopback() const { return dev == nullptr; }
  bool has_ip4() const { return prefix >= 0; }
  bool on_link(Ip4 a) const {
    return has_ip4() && (a.v & prefix_mask(prefix)) == (ip.v & prefix_mask(prefix));
  }
  Ip4 subnet_broadcast() const { return Ip4{ip.v | ~prefix_mask(prefix)}; }

  ArpEntry* arp_find(Ip4 a);
  // A free entry for `a` (evicting the least recently used one).
  ArpEntry* arp_make(Ip4 a, uint64_t now);
  void arp_clear(ArpEntry* e);

  NetDevice* dev;
  char name[16] = {};
  int index;
  MacAddr mac = {};
  uint32_t mtu;
  Ip4 ip;
  int prefix = -1;  // -1: no IPv4 address
  bool up = true;
  bool needs_flush = false;
  ArpEntry arp[kArpEntries];
  ListNode node;
  PacketList loop_queue;  // loopback only: IP packets sent to ourselves
  uint64_t rx_packets = 0, tx_packets = 0, rx_errors = 0;
};

}  // namespace kiln::net
