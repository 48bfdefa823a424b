// ICMP (RFC 792): echo replies, error generation with a rate limit, and
// errors reported to the transport they concern (both families).
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {

void Stack::icmp_input(const NetHdr& h, const uint8_t* p, size_t len) {
  stats.icmp_in++;
  if (len < 8 || checksum(p, len) != 0) return;
  uint8_t type = p[0], code = p[1];
  if (type == 8 && code == 0) {
    if (h.multicast) return;  // no smurf amplifier
    Packet* r = Packet::create(len);
    if (!r) return;
    memcpy(r->data(), p, len);
    r->data()[0] = 0;
    put16(r->data() + 2, 0);
    put16(r->data() + 2, checksum(r->data(), len));
    stats.icmp_out++;
    (void)ip4_output(r, h.dst.a4, h.src.a4, kIPPROTO_ICMP);  // a reply not sent is a reply lost
    return;
  }
  if (type != 3 && type != 11 && type != 4) return;
  // An error: the quoted header and 8 bytes name the connection.
  const uint8_t* q = p + 8;
  size_t qlen = len - 8;
  if (qlen < 20 || (q[0] >> 4) != 4) return;
  size_t qh = size_t(q[0] & 15) * 4;
  if (qh < 20 || qlen < qh + 8) return;
  Endpoint local{IpAddr::of(Ip4{be32(q + 12)}), be16(q + qh)};
  Endpoint remote{IpAddr::of(Ip4{be32(q + 16)}), be16(q + qh + 2)};
  bool hard = type == 3 && (code == 2 || code == 3);
  int err = type == 3 ? (code == 2 || code == 3 ? kECONNREFUSED
                         : code == 4            ? kEMSGSIZE
                         : code == 0            ? kENETUNREACH
                                                : kEHOSTUNREACH)
                      : kEHOSTUNREACH;
  uint32_t mtu = type == 3 && code == 4 ? be16(p + 6) : 0;
  transport_error(q[9], local, remote, q + qh, qlen - qh, err, hard, mtu);
}

void Stack::transport_error(uint8_t proto, const Endpoint& local, const Endpoint& remote,
                            const uint8_t* l4, size_t l4len, int err, bool hard, uint32_t mtu) {
  if (proto == kIPPROTO_TCP) {
    Socket* s = tcp_lookup(local, remote);
    if (!s || l4len < 8) return;
    // Only errors quoting a sequence number we have in flight (RFC 5927).
    uint32_t seq = be32(l4 + 4);
    if (s->tcb.state != TcpState::SynSent &&
        (seq_lt(seq, s->tcb.snd_una) || seq_gt(seq, s->tcb.snd_max)))
      return;
    if (mtu) {
      uint32_t hdrs = local.addr.v6 ? 60 : 40;
      if (mtu >= (local.addr.v6 ? 1280u : 576u) && mtu - hdrs < s->tcb.mss)
        s->tcb.mss = uint16_t(mtu - hdrs);
      return;
    }
    s->tcp_icmp_error(err, hard);
  } else if (proto == kIPPROTO_UDP) {
    for (Socket* s = udp_.front(); s; s = udp_.next_of(s))
      if (s->connected_ && s->local_.port == local.port && s->remote_ == remote &&
          s->accepts(local.addr)) {
        if (hard) s->udp_icmp_error(err);
        break;
      }
  }
}

void Stack::icmp_error(uint8_t type, uint8_t code, const uint8_t* ip, size_t len, uint32_t extra) {
  if (len < 20) return;
  size_t hlen = size_t(ip[0] & 15) * 4;
  Ip4 src{be32(ip + 12)}, dst{be32(ip + 16)};
  // Never about a broadcast, a non-first fragment, an odd source, or an
  // ICMP error (RFC 1122 §3.2.2).
  if (src.any() || src.multicast() || is_broadcast(src) || dst.multicast() || is_broadcast(dst))
    return;
  if (be16(ip + 6) & 0x1fff) return;
  if (ip[9] == kIPPROTO_ICMP && (len < hlen + 1 || (ip[hlen] != 0 && ip[hlen] != 8))) return;
  if (!icmp_allowed()) return;
  size_t quote = len > 548 ? 548 : len;
  Packet* p = Packet::create(8 + quote);
  if (!p) return;
  uint8_t* m = p->data();
  m[0] = type;
  m[1] = code;
  put16(m + 2, 0);
  put32(m + 4, extra);
  memcpy(m + 8, ip, quote);
  put16(m + 2, checksum(m, 8 + quote));
  stats.icmp_out++;
  (void)ip4_output(p, is_local(dst) ? dst : Ip4{}, src, kIPPROTO_ICMP);  // best effort, as ICMP is
}

}  // namespace kiln::net
