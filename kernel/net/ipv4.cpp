// IPv4 (RFC 791): input checks, local delivery, reassembly, output with
// fragmentation. The stack is a host: it never forwards.
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/stack.h"

namespace kiln::net {

void Stack::ip4_input(Interface* ifc, const uint8_t* p, size_t len, bool csum_ok) {
  stats.ip_in++;
  if (len < 20 || (p[0] >> 4) != 4) return void(stats.ip_bad++);
  size_t hlen = size_t(p[0] & 15) * 4;
  size_t total = be16(p + 2);
  if (hlen < 20 || hlen > len || total < hlen || total > len) return void(stats.ip_bad++);
  if (checksum(p, hlen) != 0) return void(stats.ip_bad++);
  len = total;  // drop link padding
  Ip4 src{be32(p + 12)}, dst{be32(p + 16)};
  if (src.multicast() || src.broadcast() || is_broadcast(src)) return void(stats.ip_bad++);
  if (!ifc->loopback() && (src.loopback() || dst.loopback())) return void(stats.ip_bad++);
  bool bcast = is_broadcast(dst) || dst.multicast();
  bool for_us = is_local(dst) || is_broadcast(dst) || dst == ip4(224, 0, 0, 1) ||
                (!ifc->has_ip4() && p[9] == kIPPROTO_UDP);  // DHCP before an address
  if (!for_us) return void(stats.ip_forward_drop++);
  NetHdr h{ifc, IpAddr::of(src), IpAddr::of(dst), p, hlen, bcast, csum_ok};
  uint16_t frag = be16(p + 6);
  uint32_t off = uint32_t(frag & 0x1fff) * 8;
  bool more = frag & 0x2000;
  if (off || more) {
    h.csum_ok = false;  // vouched for a fragment, not for the datagram
    Packet* whole = reasm_.add(h.src, h.dst, be16(p + 4), p[9], off, more, p + hlen, len - hlen,
                               65535 - 20, now_);
    note_timer(now_ + 1'000'000'000ull);
    if (!whole) return;
    stats.reasm_ok++;
    // The first fragment's header describes the datagram; only the length
    // and fragment fields differ, and nothing above reads them.
    ip4_deliver(h, whole->data(), whole->len());
    delete whole;
    return;
  }
  ip4_deliver(h, p + hlen, len - hlen);
}

void Stack::ip4_deliver(const NetHdr& h, const uint8_t* payload, size_t plen) {
  switch (h.hdr[9]) {
    case kIPPROTO_ICMP:
      return icmp_input(h, payload, plen);
    case kIPPROTO_UDP:
      return udp_input(h, payload, plen);
    case kIPPROTO_TCP:
      return tcp_input(h, payload, plen);
    default:
      if (!h.multicast) unreachable(h, payload, plen, false);
  }
}

long Stack::ip4_output(Packet* p, Ip4 src, Ip4 dst, uint8_t proto, uint8_t tos, uint8_t ttl,
                       bool df, Interface* via) {
  Interface* ifc;
  Ip4 next_hop = dst;
  if (is_local(dst)) {
    ifc = lo_;
  } else {
    const Route* r = dst.broadcast() ? nullptr : route(dst);
    if (dst.broadcast()) {
      // Limited broadcast leaves through the bound device, else the
      // interface owning the source (DHCP sends from 0.0.0.0: the first).
      ifc = via;
      for (Interface* i = ifaces_.front(); i && !ifc; i = ifaces_.next_of(i))
        if (!i->loopback() && (src.any() || (i->has_ip4() && i->ip == src))) ifc = i;
    } else {
      ifc = r ? r->ifc : nullptr;
      if (r && !r->gateway.any()) next_hop = r->gateway;
    }
    if (!ifc) {
      delete p;
      return -kENETUNREACH;
    }
  }
  if (src.any() && !dst.broadcast()) src = source_for(dst);
  if (!ttl) ttl = cfg_.ttl;
  size_t plen = p->len();
  size_t mtu = ifc->mtu;
  if (p->tso_mss && !tso_fits(ifc, plen + 20)) {
    delete p;  // the route changed under a large segment: TCP sends it again
    return -kEMSGSIZE;
  }
  if (plen + 20 <= mtu || p->tso_mss) {  // the device cuts a large segment
    uint8_t* h = p->push(20);
    if (!h) {
      delete p;
      return -kENOBUFS;
    }
    h[0] = 0x45;
    h[1] = tos;
    put16(h + 2, uint16_t(plen + 20));
    put16(h + 4, ip_id_++);
    put16(h + 6, df ? 0x4000 : 0);
    h[8] = ttl;
    h[9] = proto;
    put16(h + 10, 0);
    put32(h + 12, src.v);
    put32(h + 16, dst.v);
    put16(h + 10, checksum(h, 20));
    stats.ip_out++;
    return ip_send_one(ifc, p, IpAddr::of(next_hop));
  }
  if (df || plen + 20 > 65535) {
    delete p;
    return -kEMSGSIZE;
  }
  // Fragments carry multiples of 8 payload bytes, all but the last with MF.
  size_t chunk = (mtu - 20) & ~size_t(7);
  uint16_t id = ip_id_++;
  long err = 0;
  for (size_t off = 0; off < plen; off += chunk) {
    size_t n = plen - off < chunk ? plen - off : chunk;
    Packet* f = Packet::create(n);
    if (!f) {
      err = -kENOBUFS;
      break;
    }
    memcpy(f->data(), p->data() + off, n);
    uint8_t* h = f->push(20);
    h[0] = 0x45;
    h[1] = tos;
    put16(h + 2, uint16_t(n + 20));
    put16(h + 4, id);
    put16(h + 6, uint16_t((off / 8) | (off + n < plen ? 0x2000 : 0)));
    h[8] = ttl;
    h[9] = proto;
    put16(h + 10, 0);
    put32(h + 12, src.v);
    put32(h + 16, dst.v);
    put16(h + 10, checksum(h, 20));
    stats.frag_out++;
    long r = ip_send_one(ifc, f, IpAddr::of(next_hop));
    if (r < 0) err = r;
  }
  stats.ip_out++;
  delete p;
  return err;
}

}  // namespace kiln::net
