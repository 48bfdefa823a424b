// One network interface: a device (or the stack's own loopback), its IPv4
// and IPv6 addresses, and its neighbour cache (ARP and IPv6 neighbour
// discovery share it).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "net/addr.h"
#include "lib/fallible.h"
#include "net/netif.h"
#include "net/packet.h"

namespace kiln::net {

// One neighbour. Incomplete entries hold the packets waiting for the answer.
struct Neighbor {
  enum State : uint8_t { Free, Incomplete, Reachable };
  State state = Free;
  uint8_t tries = 0;
  IpAddr ip;
  MacAddr mac = {};
  uint64_t deadline = 0;  // Incomplete: next request; Reachable: expiry
  uint64_t used = 0;      // for eviction of the least recently used
  PacketList pending;
  size_t pending_bytes = 0;
};

// An IPv6 address of the interface, static or from autoconfiguration.
struct Ip6Slot {
  bool used = false;
  bool tentative = false;  // duplicate address detection still running
  bool autoconf = false;   // from a router advertisement's prefix
  Ip6 addr;
  uint8_t prefix = 64;
  uint64_t valid_until = 0;  // 0: forever
  uint64_t dad_until = 0;
};

class Interface : public Fallible {
 public:
  static constexpr size_t kNeighbors = 64;
  // Packets waiting for one neighbour: enough for a fragmented datagram
  // (Linux bounds this queue by bytes, 64 KiB, too).
  static constexpr size_t kPendingMax = 64;
  static constexpr size_t kPendingBytes = 64 * 1024;
  static constexpr size_t kIp6Slots = 4;

  Interface(NetDevice* d, const char* n, int idx);
  ~Interface();

  bool loopback() const { return dev == nullptr; }
  bool has_ip4() const { return prefix >= 0; }
  bool on_link(Ip4 a) const {
    return has_ip4() && (a.v & prefix_mask(prefix)) == (ip.v & prefix_mask(prefix));
  }
  Ip4 subnet_broadcast() const { return Ip4{ip.v | ~prefix_mask(prefix)}; }

  Neighbor* neighbor(const IpAddr& a);
  Neighbor* arp_find(Ip4 a) { return neighbor(IpAddr::of(a)); }
  // A free entry for `a` (evicting the least recently used one).
  Neighbor* neighbor_make(const IpAddr& a, uint64_t now);
  void neighbor_clear(Neighbor* e);

  // IPv6.
  Ip6Slot* ip6_find(const Ip6& a);
  // Whether `a` is one of ours and usable as a source or destination.
  bool ip6_owns(const Ip6& a) const;
  bool ip6_on_link(const Ip6& a) const;
  // The link-local address (nullptr before IPv6 is enabled).
  const Ip6Slot* ip6_link_local() const;
  // The best source for `dst`: link-local for link-scope destinations, a
  // global address otherwise.
  const Ip6Slot* ip6_source_for(const Ip6& dst) const;

  NetDevice* dev;
  char name[16] = {};
  int index;
  MacAddr mac = {};
  uint32_t mtu;
  Ip4 ip;
  int prefix = -1;  // -1: no IPv4 address
  bool up = true;
  bool needs_flush = false;
  Neighbor neighbors[kNeighbors];
  bool ip6_on = false;
  Ip6Slot ip6[kIp6Slots];
  Ip6 router;                   // default router from advertisements
  uint64_t router_until = 0;    // 0: none
  uint32_t rs_sent = 0;
  uint64_t rs_next = 0;         // next router solicitation (0: none)
  uint8_t hop_limit = 64;
  ListNode node;
  PacketList loop_queue;  // loopback only: IP packets sent to ourselves
  PacketList tx_queue;    // frames the device's full ring refused, oldest first
  uint64_t rx_packets = 0, tx_packets = 0, rx_errors = 0, tx_dropped = 0;
};

}  // namespace kiln::net
