// UDP (RFC 768): datagram input and the datagram half of the socket API,
// over IPv4 and IPv6.
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr size_t kMaxDatagram = 65535 - 20 - 8;

}  // namespace

void Stack::udp_input(const NetHdr& h, const uint8_t* p, size_t len) {
  stats.udp_in++;
  if (len < 8) return;
  size_t ulen = be16(p + 4);
  if (ulen < 8 || ulen > len) return;
  uint16_t sum = be16(p + 6);
  if (sum == 0 && h.src.v6) return;  // mandatory over IPv6 (RFC 8200 §8.1)
  if (sum && !h.csum_ok && csum_fold(csum_add(pseudo_sum(h.src, h.dst, kIPPROTO_UDP, ulen), p, ulen)) != 0)
    return;
  Endpoint from{h.src, be16(p)};
  uint16_t dport = be16(p + 2);
  if (dport == 0) return;
  const uint8_t* data = p + 8;
  size_t dlen = ulen - 8;
  if (h.multicast) {
    for (Socket* s = udp_.front(); s; s = udp_.next_of(s))
      if (s->local_.port == dport && s->local_.addr.any() && s->accepts(h.dst) &&
          !s->connected_ && (!s->device_ || s->device_ == h.ifc))
        s->udp_deliver(from, data, dlen);
    return;
  }
  // The most specific socket wins: connected over bound-to-address over
  // wildcard; SO_REUSEPORT groups share by a hash of the sender.
  Socket* best = nullptr;
  int best_score = -1;
  size_t group = 0;
  uint32_t hash = (from.addr.v6 ? be32(from.addr.a6.b + 12) : from.addr.a4.v) * 2654435761u ^
                  from.port;
  for (Socket* s = udp_.front(); s; s = udp_.next_of(s)) {
    if (s->local_.port != dport || (s->device_ && s->device_ != h.ifc)) continue;
    if (!s->accepts(h.dst)) continue;
    if (s->connected_ && !(s->remote_ == from)) continue;
    int score = (s->connected_ ? 2 : 0) + (s->local_.addr.any() ? 0 : 1);
    if (score > best_score) {
      best = s;
      best_score = score;
      group = 1;
    } else if (score == best_score && s->reuse_port_) {
      // Reservoir choice keyed by the hash: deterministic per sender.
      group++;
      if ((hash % group) == 0) best = s;
    }
  }
  if (best) return best->udp_deliver(from, data, dlen);
  stats.udp_no_port++;
  unreachable(h, p, len, true);
}

void Socket::udp_deliver(const Endpoint& from, const uint8_t* p, size_t len) {
  if (shut_rd_ || rxq_bytes_ + len > rcvbuf_) return;  // full: dropped, as on Linux
  Packet* d = Packet::create(len, 0);
  if (!d) return;
  memcpy(d->data(), p, len);
  d->from = from;
  rxq_.push_back(d);
  rxq_bytes_ += len;
  wake();
}

long udp_send(Socket* s, ByteSource& src, const Endpoint* to) {
  Stack* st = s->stack_;
  Endpoint dst;
  if (to) {
    dst = *to;
  } else {
    if (!s->connected_) return -kEDESTADDRREQ;
    dst = s->remote_;
  }
  if (s->shut_wr_) return -kEPIPE;
  if (dst.port == 0) return -kEINVAL;
  if (src.remaining > kMaxDatagram) return -kEMSGSIZE;
  if (!dst.addr.v6 && st->is_broadcast(dst.addr.a4) && !s->broadcast_) return -kEACCES;
  if (!s->bound_) {
    long r = s->bind(s->any_endpoint());
    if (r < 0) return r;
  }
  IpAddr from = s->local_.addr;
  if (!from.any()) {
    if (from.v6 != dst.addr.v6) return -kENETUNREACH;
  } else {
    from = st->source_for(dst.addr);
    // No route: only a limited broadcast leaves (DHCP, from 0.0.0.0).
    if (from.any() && (dst.addr.v6 || !dst.addr.a4.broadcast())) return -kENETUNREACH;
  }
  size_t n = src.remaining;
  Packet* p = Packet::create(8 + n);
  if (!p) return -kENOBUFS;
  long got = n ? src.read(p->data() + 8, n) : 0;
  if (got < 0) {
    delete p;
    return got;
  }
  uint8_t* u = p->data();
  put16(u, s->local_.port);
  put16(u + 2, dst.port);
  put16(u + 4, uint16_t(8 + n));
  put16(u + 6, 0);
  uint16_t c = csum_fold(csum_add(pseudo_sum(from, dst.addr, kIPPROTO_UDP, 8 + n), u, 8 + n));
  put16(u + 6, c ? c : 0xffff);
  long r = st->ip_output(p, from, dst.addr, kIPPROTO_UDP, s->tos_, s->ttl_, s->device_);
  return r < 0 ? r : long(n);
}

long udp_recv(Socket* s, ByteSink& dst, int flags, Endpoint* from, int* msg_flags) {
  Packet* d = s->rxq_.front();
  if (!d) {
    if (s->error_) {
      long e = -s->error_;
      s->error_ = 0;
      return e;
    }
    return s->shut_rd_ ? 0 : -kEAGAIN;
  }
  size_t n = d->len() < dst.remaining ? d->len() : dst.remaining;
  long r = n ? dst.write(d->data(), n) : 0;
  if (r < 0) return r;
  if (from) *from = d->from;
  size_t full = d->len();
  if (msg_flags && full > n) *msg_flags |= kMSG_TRUNC;
  if (!(flags & kMSG_PEEK)) {
    s->rxq_.remove(d);
    s->rxq_bytes_ -= full;
    delete d;
  }
  return (flags & kMSG_TRUNC) ? long(full) : long(n);
}

}  // namespace kiln::net
