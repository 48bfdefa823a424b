// ICMPv6 (RFC 4443) and neighbour discovery (RFC 4861): echo, errors with
// the shared rate limit, neighbour solicitation and advertisement, router
// solicitation, and router advertisements feeding stateless address
// autoconfiguration (RFC 4862).
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint8_t kIcmp6 = 58;
constexpr uint8_t kEchoRequest = 128, kEchoReply = 129, kRouterSolicit = 133,
                  kRouterAdvert = 134, kNeighborSolicit = 135, kNeighborAdvert = 136;
constexpr uint8_t kOptSourceLink = 1, kOptTargetLink = 2, kOptPrefix = 3, kOptMtu = 5;
constexpr uint64_t kSec = 1'000'000'000ull;
constexpr uint64_t kTwoHours = 7200 * kSec;

// Walks ND options; false if any is malformed (RFC 4861 §4.6: length 0).
template <typename F>
bool each_option(const uint8_t* o, size_t n, F&& f) {
  while (n) {
    if (n < 2) return false;
    size_t len = size_t(o[1]) * 8;
    if (len == 0 || len > n) return false;
    f(o[0], o, len);
    o += len;
    n -= len;
  }
  return true;
}

uint64_t lifetime(uint64_t now, uint32_t seconds) {
  return seconds == 0xffffffff ? 0 : now + uint64_t(seconds) * kSec;
}

}  // namespace

// Sends an ICMPv6 message `p` (header included, checksum not yet) from
// `src` (:: picks one) to `dst`; ND messages go with hop limit 255.
static long icmp6_send(Stack* st, Packet* p, Ip6 src, const Ip6& dst, Interface* via, bool nd) {
  if (src.any() && !(nd && p->data()[0] == kNeighborSolicit && p->len() == 24)) {
    IpAddr s = st->source_for(IpAddr::of(dst));
    if (via && (dst.multicast() || dst.link_local())) {
      const Ip6Slot* slot = via->ip6_source_for(dst);
      if (slot) s = IpAddr::of(slot->addr);
    }
    src = s.a6;
  }
  uint8_t* m = p->data();
  put16(m + 2, 0);
  put16(m + 2, csum_fold(csum_add(pseudo_sum(IpAddr::of(src), IpAddr::of(dst), kIcmp6, p->len()),
                                  m, p->len())));
  st->stats.icmp_out++;
  return st->ip6_output(p, src, dst, kIcmp6, 0, nd ? 255 : 0, via);
}

void Stack::icmp6_input(const NetHdr& h, const uint8_t* p, size_t len) {
  stats.icmp_in++;
  if (len < 8) return;
  if (csum_fold(csum_add(pseudo_sum(h.src, h.dst, kIcmp6, len), p, len)) != 0) return;
  uint8_t type = p[0];
  if (type == kEchoRequest) {
    Packet* r = Packet::create(len);
    if (!r) return;
    memcpy(r->data(), p, len);
    r->data()[0] = kEchoReply;
    icmp6_send(this, r, h.multicast ? Ip6{} : h.dst.a6, h.src.a6, h.ifc, false);
    return;
  }
  if (type >= kRouterSolicit && type <= kNeighborAdvert) return nd_input(h, p, len);
  if (type < 1 || type > 3) return;
  // An error quoting our packet: its header and the transport's ports.
  const uint8_t* q = p + 8;
  size_t qlen = len - 8;
  if (qlen < 48 || (q[0] >> 4) != 6) return;
  Ip6 qs, qd;
  memcpy(qs.b, q + 8, 16);
  memcpy(qd.b, q + 24, 16);
  Endpoint local{IpAddr::of(qs), be16(q + 40)}, remote{IpAddr::of(qd), be16(q + 42)};
  uint8_t code = p[1];
  bool hard = type == 1 && code == 4;
  int err = type == 1 ? (code == 4 ? kECONNREFUSED : code == 1 ? kEACCES : kEHOSTUNREACH)
                      : type == 2 ? kEMSGSIZE : kEHOSTUNREACH;
  uint32_t mtu = type == 2 ? be32(p + 4) : 0;
  if (type == 2 && mtu == 0) return;
  transport_error(q[6], local, remote, q + 40, qlen - 40, err, hard, mtu);
}

void Stack::icmp6_error(uint8_t type, uint8_t code, const uint8_t* ip, size_t len, uint32_t extra) {
  if (len < 40) return;
  Ip6 src, dst;
  memcpy(src.b, ip + 8, 16);
  memcpy(dst.b, ip + 24, 16);
  if (src.any() || src.multicast() || dst.multicast()) return;
  // Never about an ICMPv6 error (RFC 4443 §2.4 e).
  if (ip[6] == kIcmp6 && (len < 41 || ip[40] < 128)) return;
  if (!icmp_allowed()) return;
  size_t quote = len > 1280 - 48 ? 1280 - 48 : len;
  Packet* p = Packet::create(8 + quote);
  if (!p) return;
  uint8_t* m = p->data();
  m[0] = type;
  m[1] = code;
  put32(m + 4, extra);
  memcpy(m + 8, ip, quote);
  icmp6_send(this, p, is_local(IpAddr::of(dst)) ? dst : Ip6{}, src, nullptr, false);
}

void Stack::nd_solicit(Interface* ifc, const Ip6& target, bool dad) {
  Packet* p = Packet::create(dad ? 24 : 32);
  if (!p) return;
  uint8_t* m = p->data();
  memset(m, 0, p->len());
  m[0] = kNeighborSolicit;
  memcpy(m + 8, target.b, 16);
  if (!dad) {
    m[24] = kOptSourceLink;
    m[25] = 1;
    memcpy(m + 26, ifc->mac.b, 6);
  }
  // A duplicate address check comes from :: (RFC 4862 §5.4.2).
  icmp6_send(this, p, Ip6{}, target.solicited_node(), ifc, true);
}

void Stack::nd_advertise(Interface* ifc, const Ip6& target, const Ip6& to, bool solicited) {
  Packet* p = Packet::create(32);
  if (!p) return;
  uint8_t* m = p->data();
  memset(m, 0, 32);
  m[0] = kNeighborAdvert;
  m[4] = uint8_t((solicited ? 0x40 : 0) | 0x20);  // S, O
  memcpy(m + 8, target.b, 16);
  m[24] = kOptTargetLink;
  m[25] = 1;
  memcpy(m + 26, ifc->mac.b, 6);
  icmp6_send(this, p, target, to, ifc, true);
}

void Stack::nd_router_solicit(Interface* ifc) {
  Packet* p = Packet::create(16);
  if (!p) return;
  uint8_t* m = p->data();
  memset(m, 0, 16);
  m[0] = kRouterSolicit;
  m[8] = kOptSourceLink;
  m[9] = 1;
  memcpy(m + 10, ifc->mac.b, 6);
  icmp6_send(this, p, Ip6{}, ip6_all_routers(), ifc, true);
}

void Stack::nd_input(const NetHdr& h, const uint8_t* p, size_t len) {
  Interface* ifc = h.ifc;
  // RFC 4861 §6.1, §7.1: only from the link itself.
  if (ifc->loopback() || h.hdr[7] != 255 || p[1] != 0) return;
  const Ip6& src = h.src.a6;
  uint8_t type = p[0];
  if (type == kNeighborSolicit || type == kNeighborAdvert) {
    if (len < 24) return;
    Ip6 target;
    memcpy(target.b, p + 8, 16);
    if (target.multicast()) return;
    const uint8_t* link = nullptr;
    uint8_t want = type == kNeighborSolicit ? kOptSourceLink : kOptTargetLink;
    if (!each_option(p + 24, len - 24, [&](uint8_t t, const uint8_t* o, size_t ol) {
          if (t == want && ol >= 8) link = o + 2;
        }))
      return;
    Ip6Slot* mine = ifc->ip6_find(target);
    if (type == kNeighborSolicit) {
      if (src.any()) {
        // Someone else's duplicate address check for this address.
        if (!mine) return;
        if (mine->tentative) {
          *mine = Ip6Slot{};  // both tried it: neither may keep it
          return;
        }
        nd_advertise(ifc, target, ip6_all_nodes(), false);
        return;
      }
      if (!mine) return;
      if (link) {
        MacAddr mac;
        memcpy(mac.b, link, 6);
        Neighbor* e = ifc->neighbor(h.src);
        if (!e) e = ifc->neighbor_make(h.src, now_);
        neighbor_learned(ifc, e, mac);
      }
      nd_advertise(ifc, target, src, true);
      return;
    }
    // Advertisement.
    if (h.multicast && (p[4] & 0x40)) return;  // solicited answers are unicast
    if (mine) {
      if (mine->tentative) *mine = Ip6Slot{};  // duplicate: give it up
      return;
    }
    Neighbor* e = ifc->neighbor(IpAddr::of(target));
    if (e && link && (e->state == Neighbor::Incomplete || (p[4] & 0x20))) {
      MacAddr mac;
      memcpy(mac.b, link, 6);
      neighbor_learned(ifc, e, mac);
    }
    return;
  }
  if (type != kRouterAdvert || len < 16 || !src.link_local()) return;
  uint32_t router_life = be16(p + 6);
  if (p[4]) ifc->hop_limit = p[4];
  bool ok = each_option(p + 16, len - 16, [&](uint8_t t, const uint8_t* o, size_t ol) {
    if (t == kOptSourceLink && ol >= 8) {
      MacAddr mac;
      memcpy(mac.b, o + 2, 6);
      Neighbor* e = ifc->neighbor(h.src);
      if (!e) e = ifc->neighbor_make(h.src, now_);
      neighbor_learned(ifc, e, mac);
    } else if (t == kOptMtu && ol == 8) {
      uint32_t mtu = be32(o + 4);
      if (mtu >= 1280 && mtu <= ifc->dev->mtu()) ifc->mtu = mtu;
    } else if (t == kOptPrefix && ol == 32) {
      uint8_t plen = o[2], flags = o[3];
      uint32_t valid = be32(o + 4), preferred = be32(o + 8);
      Ip6 prefix;
      memcpy(prefix.b, o + 16, 16);
      // SLAAC takes /64 prefixes with the A flag (RFC 4862 §5.5.3).
      if (!(flags & 0x40) || plen != 64 || prefix.link_local() || prefix.multicast() ||
          preferred > valid)
        return;
      Ip6 addr = prefix;
      const Ip6Slot* ll = ifc->ip6_link_local();
      if (!ll) return;
      memcpy(addr.b + 8, ll->addr.b + 8, 8);
      Ip6Slot* s = ifc->ip6_find(addr);
      if (s) {
        // The two-hour rule against forged short lifetimes (§5.5.3 e).
        uint64_t remaining = s->valid_until ? (s->valid_until > now_ ? s->valid_until - now_ : 0)
                                            : UINT64_MAX;
        uint64_t v = valid == 0xffffffff ? UINT64_MAX : uint64_t(valid) * kSec;
        if (v > kTwoHours || v > remaining)
          s->valid_until = lifetime(now_, valid);
        else if (remaining > kTwoHours)
          s->valid_until = now_ + kTwoHours;
      } else if (valid && add_ipv6(ifc, addr, 64, now_)) {
        s = ifc->ip6_find(addr);
        s->autoconf = true;
        s->valid_until = lifetime(now_, valid);
      }
      if (s && s->valid_until) note_timer(s->valid_until);
    }
  });
  if (!ok) return;
  if (router_life) {
    ifc->router = src;
    ifc->router_until = now_ + uint64_t(router_life) * kSec;
    note_timer(ifc->router_until);
  } else if (ifc->router == src) {
    ifc->router_until = 0;
  }
}

}  // namespace kiln::net
