// Ethernet framing and ARP (RFC 826) for the stack.
#include "lib/mem.h"
#include "net/bytes.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint16_t kEthIp4 = 0x0800, kEthArp = 0x0806;
constexpr size_t kEthHdr = 14, kArpLen = 28;
constexpr MacAddr kBroadcastMac = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

bool mac_eq(const uint8_t* a, const MacAddr& b) { return memcmp(a, b.b, 6) == 0; }

}  // namespace

void Stack::input(Interface* ifc, const uint8_t* frame, size_t len, uint64_t now_ns) {
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
    ip4_input(ifc, frame + kEthHdr, len - kEthHdr, bcast || (frame[0] & 1));
  else if (type == kEthArp)
    arp_input(ifc, frame + kEthHdr, len - kEthHdr);
}

void Stack::eth_output(Interface* ifc, Packet* p, const MacAddr& dst, uint16_t type) {
  uint8_t* h = p->push(kEthHdr);
  if (h) {
    memcpy(h, dst.b, 6);
    memcpy(h + 6, ifc->mac.b, 6);
    put16(h + 12, type);
    if (ifc->dev->transmit(p->data(), p->len())) {
      ifc->tx_packets++;
      ifc->needs_flush = true;
    }
  }
  delete p;
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
  ArpEntry* e = spa.any() ? nullptr : ifc->arp_find(spa);
  if (!e && for_us && !spa.any()) e = ifc->arp_make(spa, now_);
  if (e) {
    e->mac = sha;
    e->state = ArpEntry::Reachable;
    e->tries = 0;
    e->deadline = now_ + cfg_.arp_timeout_ns;
    note_timer(e->deadline);
    e->pending_bytes = 0;
    while (Packet* p = e->pending.pop_front()) eth_output(ifc, p, sha, kEthIp4);
  }
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

void Stack::arp_timers(Interface* ifc) {
  for (ArpEntry& e : ifc->arp) {
    if (e.state == ArpEntry::Free || now_ < e.deadline) continue;
    if (e.state == ArpEntry::Reachable) {
      ifc->arp_clear(&e);  // aged out: the next packet asks again
    } else if (e.tries >= cfg_.arp_tries) {
      ifc->arp_clear(&e);  // no answer: drop what waited
    } else {
      e.tries++;
      e.deadline = now_ + cfg_.arp_retry_ns;
      arp_request(ifc, e.ip, ifc->ip);
    }
  }
}

void Stack::link_output(Interface* ifc, Packet* p, Ip4 next_hop) {
  if (next_hop.broadcast() || (ifc->has_ip4() && ifc->prefix < 31 &&
                               next_hop == ifc->subnet_broadcast()))
    return eth_output(ifc, p, kBroadcastMac, kEthIp4);
  if (next_hop.multicast()) {
    MacAddr m = {{0x01, 0x00, 0x5e, uint8_t((next_hop.v >> 16) & 0x7f),
                  uint8_t(next_hop.v >> 8), uint8_t(next_hop.v)}};
    return eth_output(ifc, p, m, kEthIp4);
  }
  ArpEntry* e = ifc->arp_find(next_hop);
  if (e && e->state == ArpEntry::Reachable) {
    e->used = now_;
    return eth_output(ifc, p, e->mac, kEthIp4);
  }
  if (!e) {
    e = ifc->arp_make(next_hop, now_);
    e->state = ArpEntry::Incomplete;
    e->tries = 1;
    e->deadline = now_ + cfg_.arp_retry_ns;
    note_timer(e->deadline);
    arp_request(ifc, next_hop, ifc->ip);
  }
  e->pending.push_back(p);
  e->pending_bytes += p->len();
  while (e->pending.size() > Interface::kArpPendingMax ||
         e->pending_bytes > Interface::kArpPendingBytes) {
    Packet* old = e->pending.pop_front();
    e->pending_bytes -= old->len();
    delete old;
  }
}

}  // namespace kiln::net
