// What IPv4 and IPv6 share above the network layer: the checksum pseudo
// header, source selection, output dispatch, and unreachable errors.
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {

uint32_t pseudo_sum(const IpAddr& src, const IpAddr& dst, uint8_t proto, size_t len) {
  if (!src.v6) {
    uint8_t ph[12];
    put32(ph, src.a4.v);
    put32(ph + 4, dst.a4.v);
    ph[8] = 0;
    ph[9] = proto;
    put16(ph + 10, uint16_t(len));
    return csum_add(0, ph, 12);
  }
  uint8_t ph[40] = {};
  memcpy(ph, src.a6.b, 16);
  memcpy(ph + 16, dst.a6.b, 16);
  put32(ph + 32, uint32_t(len));
  ph[39] = proto;
  return csum_add(0, ph, 40);
}

bool Stack::is_local(const IpAddr& a) const {
  if (!a.v6) return is_local(a.a4);
  if (a.a6.loopback()) return true;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (i->ip6_owns(a.a6)) return true;
  return false;
}

IpAddr Stack::source_for(const IpAddr& dst) {
  if (!dst.v6) return IpAddr::of(source_for(dst.a4));
  if (is_local(dst)) return dst;
  Ip6 next_hop;
  Interface* i = ip6_route(dst.a6, nullptr, &next_hop);
  const Ip6Slot* s = i ? i->ip6_source_for(dst.a6) : nullptr;
  return IpAddr::of(s ? s->addr : Ip6{});
}

bool Stack::tso_fits(const Interface* ifc, size_t ip_len) const {
  return !ifc->loopback() && ip_len + 14 <= ifc->dev->tso_max();
}

size_t Stack::tso_limit(const IpAddr& dst) {
  if (is_local(dst)) return 0;
  Interface* ifc;
  if (dst.v6) {
    Ip6 next_hop;
    ifc = ip6_route(dst.a6, nullptr, &next_hop);
  } else {
    const Route* r = route(dst.a4);
    ifc = r ? r->ifc : nullptr;
  }
  if (!ifc || ifc->loopback() || ifc->dev->tso_max() <= 14) return 0;
  return ifc->dev->tso_max() - 14;  // the Ethernet header
}

long Stack::ip_output(Packet* p, const IpAddr& src, const IpAddr& dst, uint8_t proto, uint8_t tos,
                      uint8_t ttl, Interface* via) {
  if (src.v6 != dst.v6) {
    delete p;
    return -kEINVAL;
  }
  if (dst.v6) return ip6_output(p, src.a6, dst.a6, proto, tos, ttl, via);
  return ip4_output(p, src.a4, dst.a4, proto, tos, ttl, false, via);
}

// The packets of both families that are sent to ourselves wait on the
// loopback's queue; the rest goes to the neighbour layer.
long Stack::ip_send_one(Interface* ifc, Packet* p, const IpAddr& next_hop) {
  if (ifc->loopback()) {
    ifc->tx_packets++;
    lo_->loop_queue.push_back(p);
    if (!in_loop_poll_ && cfg_.kick) cfg_.kick(cfg_.kick_ctx);
    return 0;
  }
  link_output(ifc, p, next_hop);
  return 0;
}

void Stack::neighbor_failed(const uint8_t* ip, size_t len) {
  Endpoint local, remote;
  const uint8_t* l4;
  uint8_t proto;
  if (len >= 20 && (ip[0] >> 4) == 4) {
    size_t hl = size_t(ip[0] & 15) * 4;
    if (hl > len || (be16(ip + 6) & 0x1fff)) return;  // only first fragments name ports
    local.addr = IpAddr::of(Ip4{be32(ip + 12)});
    remote.addr = IpAddr::of(Ip4{be32(ip + 16)});
    proto = ip[9];
    l4 = ip + hl;
    len -= hl;
  } else if (len >= 40 && (ip[0] >> 4) == 6) {
    Ip6 s, d;
    memcpy(s.b, ip + 8, 16);
    memcpy(d.b, ip + 24, 16);
    local.addr = IpAddr::of(s);
    remote.addr = IpAddr::of(d);
    proto = ip[6];
    l4 = ip + 40;
    len -= 40;
  } else {
    return;
  }
  if (len < 8 || (proto != kIPPROTO_TCP && proto != kIPPROTO_UDP)) return;
  local.port = be16(l4);
  remote.port = be16(l4 + 2);
  transport_error(proto, local, remote, l4, len, kEHOSTUNREACH, true, 0);
}

void Stack::unreachable(const NetHdr& h, const uint8_t* l4, size_t len, bool port) {
  if (h.multicast) return;
  uint8_t quote[512];
  size_t hl = h.hlen < sizeof quote ? h.hlen : sizeof quote;
  size_t room = sizeof quote - hl;
  // ICMPv4 quotes 8 bytes (RFC 792); ICMPv6 as much as fits (RFC 4443).
  size_t q = h.src.v6 ? (len < room ? len : room) : (len < 8 ? len : 8);
  memcpy(quote, h.hdr, hl);
  memcpy(quote + hl, l4, q);
  if (h.src.v6)
    icmp6_error(port ? 1 : 4, port ? 4 : 1, quote, hl + q, port ? 0 : 6);
  else
    icmp_error(3, port ? 3 : 2, quote, hl + q);
}

// Token bucket shared by ICMP and ICMPv6 errors (RFC 1812 §4.3.2.8, RFC
// 4443 §2.4 f).
bool Stack::icmp_allowed() {
  uint64_t period = 1'000'000'000ull / (cfg_.icmp_rate ? cfg_.icmp_rate : 1);
  if (icmp_refill_ == 0) icmp_refill_ = now_;
  if (now_ > icmp_refill_) {
    uint64_t add = (now_ - icmp_refill_) / period;
    if (add) {
      icmp_tokens_ = icmp_tokens_ + add > cfg_.icmp_burst ? cfg_.icmp_burst : icmp_tokens_ + add;
      icmp_refill_ += add * period;
    }
  }
  if (icmp_tokens_ == 0) {
    stats.icmp_limited++;
    return false;
  }
  icmp_tokens_--;
  return true;
}

}  // namespace kiln::net
