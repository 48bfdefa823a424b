// Ethernet framing, ARP (RFC 826), and the neighbour cache that ARP and
// IPv6 neighbour discovery (icmp6.cpp) share.
#include "lib/mem.h"
#include "net/bytes.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint16_t kEthIp4 = 0x0800, kEthArp = 0x0806, kEthIp6 = 0x86dd;
constexpr size_t kEthHdr = 14, kArpLen = 28;
constexpr MacAddr kBroadcastMac = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

bool mac_eq(const uint8_t* a, const MacAddr& b) { return memcmp(a, b.b, 6) == 0; }

}  // namespace

void Stack::input(Interface* ifc, const uint8_t* frame, size_t len, uint64_t now_ns, bool csum_ok) {
  if (now_ns > now_) now_ = now_ns;
  if (!ifc->up || len < kEthHdr) {
    ifc->rx_errors++;
    return;
  }
  bool bcast = mac_eq(frame, kBroadcastMac);
  if (!bcast && !mac_eq(frame, ifc->mac) && !(frame[0] & 1)) return;  // not for us
  ifc->rx_packets++;
  uint16_t type = be16(frame + 12);
  if (type == kEthIp4)
    ip4_input(ifc, frame + kEthHdr, len - kEthHdr, csum_ok);
  else if (type == kEthArp)
    arp_input(ifc, frame + kEthHdr, len - kEthHdr);
  else if (type == kEthIp6 && ifc->ip6_on)
    ip6_input(ifc, frame + kEthHdr, len - kEthHdr, csum_ok);
}

void Stack::eth_output(Interface* ifc, Packet* p, const MacAddr& dst, uint16_t type) {
  uint8_t* h = p->push(kEthHdr);
  if (!h) {
    delete p;
    return;
  }
  memcpy(h, dst.b, 6);
  memcpy(h + 6, ifc->mac.b, 6);
  put16(h + 12, type);
  ifc->needs_flush = true;
  if (ifc->tx_queue.empty() && ifc->dev->transmit(p->data(), p->len(), p->tso_mss)) {
    ifc->tx_packets++;
    delete p;
    return;
  }
  // The ring is full: like Linux's queue discipline, keep the frame (behind
  // any already waiting) until the device has room. A dropped frame would
  // cost TCP a retransmission, and under a burst of many connections
  // thousands of them. The driver interrupts once its ring drains.
  if (ifc->tx_queue.size() >= cfg_.tx_queue) {
    ifc->tx_dropped++;
    delete p;
    return;
  }
  ifc->tx_queue.push_back(p);
}

void Stack::tx_retry(Interface* ifc) {
  while (Packet* p = ifc->tx_queue.front()) {
    if (!ifc->dev->transmit(p->data(), p->len(), p->tso_mss)) return;
    ifc->tx_queue.pop_front();
    ifc->tx_packets++;
    ifc->needs_flush = true;
    delete p;
  }
}

void Stack::arp_request(Interface* ifc, Ip4 target, Ip4 sender) {
  Packet* p = Packet::create(kArpLen);
  if (!p) return;
  uint8_t* a = p->data();
  put16(a, 1);
  put16(a + 2, kEthIp4);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, 1);
  memcpy(a + 8, ifc->mac.b, 6);
  put32(a + 14, sender.v);
  memset(a + 18, 0, 6);
  put32(a + 24, target.v);
  stats.arp_out++;
  eth_output(ifc, p, kBroadcastMac, kEthArp);
}

// A neighbour told us its link address (ARP, or an IPv6 advertisement or
// solicitation): refresh the entry and send what waited for it.
void Stack::neighbor_learned(Interface* ifc, Neighbor* e, const MacAddr& mac) {
  e->mac = mac;
  e->state = Neighbor::Reachable;
  e->tries = 0;
  e->deadline = now_ + cfg_.arp_timeout_ns;
  note_timer(e->deadline);
  e->pending_bytes = 0;
  uint16_t type = e->ip.v6 ? kEthIp6 : kEthIp4;
  while (Packet* p = e->pending.pop_front()) eth_output(ifc, p, mac, type);
}

void Stack::arp_input(Interface* ifc, const uint8_t* a, size_t len) {
  if (len < kArpLen || be16(a) != 1 || be16(a + 2) != kEthIp4 || a[4] != 6 || a[5] != 4) return;
  stats.arp_in++;
  uint16_t op = be16(a + 6);
  MacAddr sha;
  memcpy(sha.b, a + 8, 6);
  Ip4 spa{be32(a + 14)}, tpa{be32(a + 24)};
  if (sha.b[0] & 1) return;  // a multicast sender address is a lie
  bool for_us = ifc->has_ip4() && tpa == ifc->ip;
  if (ifc->has_ip4() && spa == ifc->ip) return;  // someone claims our address: ignore
  // Merge (RFC 826): refresh an existing entry; create one only when the
  // packet is addressed to us (a gratuitous announcement refreshes only).
  Neighbor* e = spa.any() ? nullptr : ifc->arp_find(spa);
  if (!e && for_us && !spa.any()) e = ifc->neighbor_make(IpAddr::of(spa), now_);
  if (e) neighbor_learned(ifc, e, sha);
  if (op == 1 && for_us) {
    Packet* p = Packet::create(kArpLen);
    if (!p) return;
    uint8_t* r = p->data();
    memcpy(r, a, 6);
    put16(r + 6, 2);
    memcpy(r + 8, ifc->mac.b, 6);
    put32(r + 14, ifc->ip.v);
    memcpy(r + 18, sha.b, 6);
    put32(r + 24, spa.v);
    stats.arp_out++;
    eth_output(ifc, p, sha, kEthArp);
  }
}

void Stack::neighbor_timers(Interface* ifc) {
  for (Neighbor& e : ifc->neighbors) {
    if (e.state == Neighbor::Free || now_ < e.deadline) continue;
    if (e.state == Neighbor::Reachable) {
      ifc->neighbor_clear(&e);  // aged out: the next packet asks again
    } else if (e.tries >= cfg_.arp_tries) {
      // No answer: what waited is dropped, and its senders learn that the
      // host is unreachable (a connect fails in seconds, as on Linux).
      while (Packet* p = e.pending.pop_front()) {
        neighbor_failed(p->data(), p->len());
        delete p;
      }
      ifc->neighbor_clear(&e);
    } else {
      e.tries++;
      e.deadline = now_ + cfg_.arp_retry_ns;
      solicit(ifc, e.ip);
    }
  }
}

void Stack::solicit(Interface* ifc, const IpAddr& ip) {
  if (ip.v6)
    nd_solicit(ifc, ip.a6, false);
  else
    arp_request(ifc, ip.a4, ifc->ip);
}

void Stack::link_output(Interface* ifc, Packet* p, const IpAddr& next_hop) {
  uint16_t type = next_hop.v6 ? kEthIp6 : kEthIp4;
  if (next_hop.v6 && next_hop.a6.multicast()) {
    const uint8_t* b = next_hop.a6.b;
    MacAddr m = {{0x33, 0x33, b[12], b[13], b[14], b[15]}};
    return eth_output(ifc, p, m, type);
  }
  if (!next_hop.v6) {
    Ip4 a = next_hop.a4;
    if (a.broadcast() || (ifc->has_ip4() && ifc->prefix < 31 && a == ifc->subnet_broadcast()))
      return eth_output(ifc, p, kBroadcastMac, type);
    if (a.multicast()) {
      MacAddr m = {{0x01, 0x00, 0x5e, uint8_t((a.v >> 16) & 0x7f), uint8_t(a.v >> 8),
                    uint8_t(a.v)}};
      return eth_output(ifc, p, m, type);
    }
  }
  Neighbor* e = ifc->neighbor(next_hop);
  if (e && e->state == Neighbor::Reachable) {
    e->used = now_;
    return eth_output(ifc, p, e->mac, type);
  }
  if (!e) {
    e = ifc->neighbor_make(next_hop, now_);
    e->state = Neighbor::Incomplete;
    e->tries = 1;
    e->deadline = now_ + cfg_.arp_retry_ns;
    note_timer(e->deadline);
    solicit(ifc, next_hop);
  }
  e->pending.push_back(p);
  e->pending_bytes += p->len();
  while (e->pending.size() > Interface::kPendingMax ||
         e->pending_bytes > Interface::kPendingBytes) {
    Packet* old = e->pending.pop_front();
    e->pending_bytes -= old->len();
    delete old;
  }
}

}  // namespace kiln::net
