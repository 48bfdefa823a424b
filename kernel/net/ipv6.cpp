// IPv6 (RFC 8200): input with extension headers and fragment reassembly,
// output with source selection, routing to on-link neighbours or the
// default router, and fragmentation; per-interface setup and timers
// (addresses' lifetimes, router solicitations).
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint64_t kSec = 1'000'000'000ull;
constexpr uint8_t kHopByHop = 0, kRouting = 43, kFragment = 44, kNoNext = 59, kDestOpts = 60,
                  kIcmp6 = 58;

// The modified EUI-64 interface identifier (RFC 4291 appendix A).
void set_interface_id(Ip6* a, const MacAddr& m) {
  a->b[8] = m.b[0] ^ 2;
  a->b[9] = m.b[1];
  a->b[10] = m.b[2];
  a->b[11] = 0xff;
  a->b[12] = 0xfe;
  a->b[13] = m.b[3];
  a->b[14] = m.b[4];
  a->b[15] = m.b[5];
}

}  // namespace

void Stack::enable_ipv6(Interface* ifc, uint64_t now_ns) {
  poll_time(now_ns);
  if (ifc->loopback() || ifc->ip6_on) return;
  ifc->ip6_on = true;
  Ip6 ll{{0xfe, 0x80}};
  set_interface_id(&ll, ifc->mac);
  add_ipv6(ifc, ll, 64, now_ns);
  // Ask for routers now, and twice more 4 s apart (RFC 4861 §6.3.7).
  nd_router_solicit(ifc);
  ifc->rs_sent = 1;
  ifc->rs_next = now_ + 4 * kSec;
  note_timer(ifc->rs_next);
  flush();
}

bool Stack::add_ipv6(Interface* ifc, const Ip6& addr, int prefix, uint64_t now_ns) {
  poll_time(now_ns);
  if (!ifc->ip6_on || prefix < 0 || prefix > 128) return false;
  Ip6Slot* s = ifc->ip6_find(addr);
  for (Ip6Slot& x : ifc->ip6)
    if (!s && !x.used) s = &x;
  if (!s) return false;
  bool fresh = !s->used;
  *s = Ip6Slot{};
  s->used = true;
  s->addr = addr;
  s->prefix = uint8_t(prefix);
  if (fresh) {
    // Optimistic duplicate address detection (RFC 4429): usable at once,
    // dropped if someone answers for it within a second.
    s->tentative = true;
    s->dad_until = now_ + kSec;
    note_timer(s->dad_until);
    nd_solicit(ifc, addr, true);
  }
  return true;
}

void Stack::ip6_timers(Interface* ifc, uint64_t* next) {
  auto at = [&](uint64_t t) {
    if (t && t < *next) *next = t;
  };
  if (ifc->rs_next && now_ >= ifc->rs_next) {
    if (ifc->rs_sent < 3 && !ifc->router_until) {
      nd_router_solicit(ifc);
      ifc->rs_sent++;
      ifc->rs_next = now_ + 4 * kSec;
    } else {
      ifc->rs_next = 0;
    }
  }
  at(ifc->rs_next);
  if (ifc->router_until && now_ >= ifc->router_until) ifc->router_until = 0;
  at(ifc->router_until);
  for (Ip6Slot& s : ifc->ip6) {
    if (!s.used) continue;
    if (s.valid_until && now_ >= s.valid_until) {
      s = Ip6Slot{};
      continue;
    }
    if (s.tentative && now_ >= s.dad_until) s.tentative = false;
    at(s.valid_until);
    if (s.tentative) at(s.dad_until);
  }
}

Interface* Stack::ip6_route(const Ip6& dst, Interface* via, Ip6* next_hop) {
  *next_hop = dst;
  bool link_scope = dst.link_local() || dst.multicast();
  if (via && !via->loopback() && via->ip6_on && (link_scope || via->ip6_on_link(dst))) return via;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (!i->loopback() && i->ip6_on && i->up && (link_scope || i->ip6_on_link(dst))) return i;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (!i->loopback() && i->ip6_on && i->up && i->router_until) {
      *next_hop = i->router;
      return i;
    }
  return nullptr;
}

void Stack::ip6_input(Interface* ifc, const uint8_t* p, size_t len, bool csum_ok) {
  stats.ip_in++;
  if (len < 40 || (p[0] >> 4) != 6) return void(stats.ip_bad++);
  size_t plen = be16(p + 4);
  if (40 + plen > len) return void(stats.ip_bad++);
  len = 40 + plen;
  Ip6 src, dst;
  memcpy(src.b, p + 8, 16);
  memcpy(dst.b, p + 24, 16);
  if (src.multicast()) return void(stats.ip_bad++);
  if (!ifc->loopback() && (src.loopback() || dst.loopback() || src.v4_mapped()))
    return void(stats.ip_bad++);
  bool for_us = is_local(IpAddr::of(dst)) || dst == ip6_all_nodes();
  if (!for_us && dst.multicast())
    for (const Ip6Slot& s : ifc->ip6)
      if (s.used && s.addr.solicited_node() == dst) for_us = true;
  if (!for_us) return void(stats.ip_forward_drop++);
  NetHdr h{ifc, IpAddr::of(src), IpAddr::of(dst), p, 40, dst.multicast(), csum_ok};
  uint8_t nh = p[6];
  size_t off = 40;
  for (int n = 0; n < 8; n++) {
    if (nh == kHopByHop || nh == kRouting || nh == kDestOpts) {
      if (nh == kHopByHop && n != 0) return void(stats.ip_bad++);
      if (off + 8 > len) return void(stats.ip_bad++);
      size_t hl = (size_t(p[off + 1]) + 1) * 8;
      if (off + hl > len) return void(stats.ip_bad++);
      if (nh == kRouting && p[off + 3] != 0) return void(stats.ip_bad++);  // we route nothing
      nh = p[off];
      off += hl;
      continue;
    }
    if (nh == kFragment) {
      if (off + 8 > len) return void(stats.ip_bad++);
      h.csum_ok = false;  // vouched for a fragment, not for the datagram
      uint16_t fo = be16(p + off + 2);
      uint32_t id = be32(p + off + 4);
      uint8_t inner = p[off];
      Packet* whole = reasm_.add(h.src, h.dst, id, inner, fo & 0xfff8, fo & 1, p + off + 8,
                                 len - off - 8, 65535, now_);
      note_timer(now_ + kSec);
      if (!whole) return;
      stats.reasm_ok++;
      nh = inner;
      // Extension headers after the fragment header are not expected:
      // deliver to the transport named there.
      switch (nh) {
        case kIcmp6: icmp6_input(h, whole->data(), whole->len()); break;
        case kIPPROTO_UDP: udp_input(h, whole->data(), whole->len()); break;
        case kIPPROTO_TCP: tcp_input(h, whole->data(), whole->len()); break;
        default: break;
      }
      delete whole;
      return;
    }
    break;
  }
  switch (nh) {
    case kIcmp6:
      return icmp6_input(h, p + off, len - off);
    case kIPPROTO_UDP:
      return udp_input(h, p + off, len - off);
    case kIPPROTO_TCP:
      return tcp_input(h, p + off, len - off);
    case kNoNext:
      return;
    default:
      if (!h.multicast) unreachable(h, p + off, len - off, false);
  }
}

long Stack::ip6_output(Packet* p, const Ip6& src_in, const Ip6& dst, uint8_t proto, uint8_t tclass,
                       uint8_t hops, Interface* via) {
  Interface* ifc;
  Ip6 next_hop = dst;
  if (is_local(IpAddr::of(dst))) {
    ifc = lo_;
  } else if (hops == 255 && via && !via->loopback()) {
    // Neighbour discovery (the only hop limit 255 traffic) stays on the
    // link it is about: an advertisement answers a solicitation out of the
    // interface it came in on even when its source is an address we have
    // no route to (RFC 4861 §7.2.4; Linux answers too). Linux picks such a
    // source while its own link-local address is still tentative.
    ifc = via;
  } else {
    ifc = ip6_route(dst, via, &next_hop);
    if (!ifc) {
      delete p;
      return -kENETUNREACH;
    }
  }
  const Ip6& src = src_in;  // chosen by the caller (:: only for DAD)
  if (!hops) hops = ifc->hop_limit;
  size_t plen = p->len();
  auto header = [&](uint8_t* h, size_t payload, uint8_t next) {
    put32(h, 0x60000000u | uint32_t(tclass) << 20);
    put16(h + 4, uint16_t(payload));
    h[6] = next;
    h[7] = hops;
    memcpy(h + 8, src.b, 16);
    memcpy(h + 24, dst.b, 16);
  };
  if (p->tso_mss && !tso_fits(ifc, plen + 40)) {
    delete p;  // the route changed under a large segment: TCP sends it again
    return -kEMSGSIZE;
  }
  if (plen + 40 <= ifc->mtu || p->tso_mss) {  // the device cuts a large segment
    uint8_t* h = p->push(40);
    if (!h) {
      delete p;
      return -kENOBUFS;
    }
    header(h, plen, proto);
    stats.ip_out++;
    return ip_send_one(ifc, p, IpAddr::of(next_hop));
  }
  if (plen > 65535) {
    delete p;
    return -kEMSGSIZE;
  }
  // Fragments: the header, a fragment header, multiples of 8 bytes.
  size_t chunk = (ifc->mtu - 48) & ~size_t(7);
  uint32_t id = ip6_id_++;
  long err = 0;
  for (size_t off = 0; off < plen; off += chunk) {
    size_t n = plen - off < chunk ? plen - off : chunk;
    Packet* f = Packet::create(n);
    if (!f) {
      err = -kENOBUFS;
      break;
    }
    memcpy(f->data(), p->data() + off, n);
    uint8_t* fh = f->push(8);
    fh[0] = proto;
    fh[1] = 0;
    put16(fh + 2, uint16_t(off | (off + n < plen ? 1 : 0)));
    put32(fh + 4, id);
    header(f->push(40), n + 8, kFragment);
    stats.frag_out++;
    long r = ip_send_one(ifc, f, IpAddr::of(next_hop));
    if (r < 0) err = r;
  }
  stats.ip_out++;
  delete p;
  return err;
}

}  // namespace kiln::net
