// Arbitrary Ethernet frames, and structured segments built from fuzz bytes,
// into a stack with a listening TCP socket, a bound UDP socket and an
// established connection (handshaken with injected frames), interleaved with
// time steps and socket calls. No crash, no leak, no UB.
//
// An input whose first byte is 0xf0 or more also makes one allocation in
// 2..17 fail (after the set-up), at pseudo-random.
//
// Input: a sequence of operations, each an opcode byte then its bytes:
//   0 LEN16 FRAME      raw frame
//   1 LEN16 FRAME      frame with its IPv4 and TCP/UDP/ICMP checksums fixed
//   2 MS16             advance the clock and poll
//   3 OP ARG           call on the established connection
//   4 OP ARG           call on the UDP socket / the listener
//   5 FL WIN DSEQ DACK LEN8 PAYLOAD   TCP segment to the connection, its
//                      numbers relative to what the stack expects
//   6 PORT16 FL LEN8 OPTS   TCP segment to the listener from a new port
//   7 ID16 OFF16 LEN8 DATA  IPv4 fragment towards the UDP socket
//   8 TYPE LEN8 OPTIONS     DHCP reply to the client's last request
//   9 DST NH HOPS LEN16 PAYLOAD  IPv6 packet from fe80::2 (ICMPv6, UDP and
//                      TCP checksums fixed), DST picking our link-local,
//                      all-nodes, our solicited-node group or a global
// Results cast to (void) are ones any outcome of is fine: the fuzzer looks
// for crashes, hangs and leaks, not for particular errors.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include "lib/fallible.h"
#include "net/bytes.h"
#include "net/dhcp_client.h"
#include "net/proto.h"
#include "net/socket.h"
#include "net/stack.h"

using namespace kiln::abi;
using namespace kiln::net;

namespace {

const Ip4 kUs = ip4(10, 0, 0, 1), kPeer = ip4(10, 0, 0, 2);
const MacAddr kUsMac = {{2, 0, 0, 0, 0, 1}}, kPeerMac = {{2, 0, 0, 0, 0, 2}};

class FuzzDevice : public NetDevice {
 public:
  bool transmit(const uint8_t* f, size_t n, uint16_t) override {
    last.assign(f, f + n);
    // Remember the DHCP client's transaction id, so replies can match it.
    if (n >= 14 + 20 + 8 + 8 && be16(f + 12) == 0x0800 && f[14 + 9] == kIPPROTO_UDP &&
        be16(f + 14 + 20 + 2) == 67)
      dhcp_xid = be32(f + 14 + 20 + 8 + 4);
    return ++sent % 61 != 0;  // now and then a full ring
  }
  MacAddr mac() const override { return kUsMac; }
  std::vector<uint8_t> last;
  uint64_t sent = 0;
  uint32_t dhcp_xid = 0;
};

void on_lease(void*, DhcpEvent, const DhcpLease&) {}

uint64_t g_fail_state;
uint32_t g_fail_one_in;
bool fail_sometimes() {
  g_fail_state = g_fail_state * 6364136223846793005ull + 1442695040888963407ull;
  return (g_fail_state >> 33) % g_fail_one_in == 0;
}

void fixed_random(void* ctx, void* out, size_t n) {
  auto* s = static_cast<uint64_t*>(ctx);
  auto* p = static_cast<uint8_t*>(out);
  for (size_t i = 0; i < n; i++) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    p[i] = uint8_t(*s >> 56);
  }
}

struct Reader {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t u8() {
    if (!n) return 0;
    n--;
    return *p++;
  }
  uint16_t u16() { return uint16_t(u8() << 8 | u8()); }
  uint32_t u32() { return uint32_t(u16()) << 16 | u16(); }
  const uint8_t* take(size_t* len) {
    if (*len > n) *len = n;
    const uint8_t* r = p;
    p += *len;
    n -= *len;
    return r;
  }
};

void fix_checksums(std::vector<uint8_t>& f) {
  if (f.size() < 34 || be16(&f[12]) != 0x0800) return;
  uint8_t* ip = &f[14];
  size_t hl = size_t(ip[0] & 15) * 4, avail = f.size() - 14;
  if (hl < 20 || hl > avail) return;
  put16(ip + 10, 0);
  put16(ip + 10, checksum(ip, hl));
  size_t tot = be16(ip + 2);
  if (tot < hl || tot > avail || (be16(ip + 6) & 0x3fff)) return;
  uint8_t* l4 = ip + hl;
  size_t len = tot - hl;
  Ip4 s{be32(ip + 12)}, d{be32(ip + 16)};
  if (ip[9] == kIPPROTO_TCP && len >= 20) {
    put16(l4 + 16, 0);
    put16(l4 + 16, csum_fold(csum_add(pseudo_sum(IpAddr::of(s), IpAddr::of(d), kIPPROTO_TCP, len), l4, len)));
  } else if (ip[9] == kIPPROTO_UDP && len >= 8) {
    put16(l4 + 6, 0);
    put16(l4 + 6, csum_fold(csum_add(pseudo_sum(IpAddr::of(s), IpAddr::of(d), kIPPROTO_UDP, len), l4, len)));
  } else if (ip[9] == kIPPROTO_ICMP && len >= 4) {
    put16(l4 + 2, 0);
    put16(l4 + 2, checksum(l4, len));
  }
}

std::vector<uint8_t> ip_frame(uint8_t proto, const std::vector<uint8_t>& payload, uint16_t id = 1,
                              uint16_t frag = 0) {
  std::vector<uint8_t> f(14 + 20 + payload.size());
  memcpy(&f[0], kUsMac.b, 6);
  memcpy(&f[6], kPeerMac.b, 6);
  put16(&f[12], 0x0800);
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  put16(ip + 2, uint16_t(20 + payload.size()));
  put16(ip + 4, id);
  put16(ip + 6, frag);
  ip[8] = 64;
  ip[9] = proto;
  put32(ip + 12, kPeer.v);
  put32(ip + 16, kUs.v);
  if (!payload.empty()) memcpy(ip + 20, payload.data(), payload.size());
  fix_checksums(f);
  return f;
}

std::vector<uint8_t> tcp_seg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                             uint8_t flags, uint16_t win, const uint8_t* opts, size_t olen,
                             const uint8_t* data, size_t dlen) {
  olen &= ~size_t(3);
  if (olen > 40) olen = 40;
  std::vector<uint8_t> t(20 + olen + dlen);
  put16(&t[0], sport);
  put16(&t[2], dport);
  put32(&t[4], seq);
  put32(&t[8], ack);
  t[12] = uint8_t((20 + olen) / 4 << 4);
  t[13] = flags;
  put16(&t[14], win);
  if (olen) memcpy(&t[20], opts, olen);
  if (dlen) memcpy(&t[20 + olen], data, dlen);
  return t;
}

std::vector<uint8_t> ip6_frame(Interface* ifc, uint8_t which, uint8_t nh, uint8_t hops,
                               const uint8_t* d, size_t len) {
  Ip6 src{{0xfe, 0x80}};
  src.b[15] = 2;
  const Ip6Slot* ll = ifc->ip6_link_local();
  Ip6 dst = ll ? ll->addr : Ip6{};
  if (which % 4 == 1) dst = ip6_all_nodes();
  if (which % 4 == 2) dst = dst.solicited_node();
  if (which % 4 == 3) {
    // A global address as SLAAC would form it from 2001:db8::/64.
    dst.b[0] = 0x20, dst.b[1] = 0x01, dst.b[2] = 0x0d, dst.b[3] = 0xb8;
    for (int i = 4; i < 8; i++) dst.b[i] = 0;
  }
  std::vector<uint8_t> f(14 + 40 + len);
  if (dst.multicast()) {
    const uint8_t m[6] = {0x33, 0x33, dst.b[12], dst.b[13], dst.b[14], dst.b[15]};
    memcpy(&f[0], m, 6);
  } else {
    memcpy(&f[0], kUsMac.b, 6);
  }
  memcpy(&f[6], kPeerMac.b, 6);
  put16(&f[12], 0x86dd);
  uint8_t* ip = &f[14];
  ip[0] = 0x60;
  put16(ip + 4, uint16_t(len));
  ip[6] = nh;
  ip[7] = hops;
  memcpy(ip + 8, src.b, 16);
  memcpy(ip + 24, dst.b, 16);
  if (len) memcpy(ip + 40, d, len);
  uint8_t* l4 = ip + 40;
  size_t off = nh == 58 ? 2 : nh == kIPPROTO_UDP ? 6 : nh == kIPPROTO_TCP ? 16 : 0;
  if (off && len >= off + 2) {
    put16(l4 + off, 0);
    put16(l4 + off, csum_fold(csum_add(pseudo_sum(IpAddr::of(src), IpAddr::of(dst), nh, len), l4, len)));
  }
  return f;
}

struct World {
  uint64_t seed = 42, now = 1'000'000'000;
  FuzzDevice dev;
  Stack* st;
  Interface* ifc;
  Socket *udp = nullptr, *listener = nullptr, *conn = nullptr;
  DhcpClient* dhcp = nullptr;
  uint32_t peer_seq = 1000, our_next = 0;

  void feed(const std::vector<uint8_t>& f) { st->input(ifc, f.data(), f.size(), now); }
  World() {
    StackConfig c;
    c.random = fixed_random;
    c.random_ctx = &seed;
    c.msl_ns = 1'000'000'000;
    st = new Stack(c);
    ifc = st->add_interface(&dev, "eth0");
    st->set_ipv4(ifc, kUs, 24, now);
    st->set_default_gateway(ip4(10, 0, 0, 254), ifc);
    dhcp = new DhcpClient(st, ifc, on_lease, nullptr);
    (void)dhcp->start(now);
    st->enable_ipv6(ifc, now);
    // Dual-stack sockets: IPv4 and IPv6 reach both.
    (void)st->socket(kAF_INET6, kSOCK_DGRAM, 0, &udp);
    (void)udp->bind(Endpoint{IpAddr::of(Ip6{}), 53});
    (void)st->socket(kAF_INET6, kSOCK_STREAM, 0, &listener);
    (void)listener->bind(Endpoint{IpAddr::of(Ip6{}), 80});
    (void)listener->listen(4);
    // The peer's handshake, so one connection is established.
    const uint8_t syn_opts[] = {2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0};
    feed(ip_frame(kIPPROTO_TCP, tcp_seg(40000, 80, peer_seq, 0, kSyn, 65535, syn_opts,
                                       sizeof syn_opts, nullptr, 0)));
    st->poll(now);
    if (dev.last.size() >= 14 + 20 + 20 && dev.last[14 + 9] == kIPPROTO_TCP) {
      uint32_t isn = be32(&dev.last[14 + 20 + 4]);
      our_next = isn + 1;
      peer_seq++;
      const uint8_t ts[] = {1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 0};
      feed(ip_frame(kIPPROTO_TCP, tcp_seg(40000, 80, peer_seq, our_next, kAck, 1024, ts,
                                         sizeof ts, nullptr, 0)));
      (void)listener->accept(&conn, nullptr);
    }
  }
  ~World() {
    for (Socket* s : {conn, listener, udp})
      if (s) s->close(now);
    delete dhcp;
    delete st;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World w;
  if (size && data[0] >= 0xf0) {
    g_fail_one_in = 2 + (data[0] & 15);
    g_fail_state = size;
    kiln::alloc_should_fail = fail_sometimes;
  }
  Reader r{data, size};
  uint8_t buf[4096];
  memset(buf, 'z', sizeof buf);
  for (int ops = 0; !r.empty() && ops < 256; ops++) {
    uint8_t opcode = r.u8() % 10;
    switch (opcode) {
      case 0:
      case 1: {
        size_t len = r.u16() % 2048;
        const uint8_t* f = r.take(&len);
        std::vector<uint8_t> frame(f, f + len);
        if (opcode == 1) fix_checksums(frame);
        w.feed(frame);
        break;
      }
      case 2:
        w.now += uint64_t(r.u16()) * 1'000'000;
        w.st->poll(w.now);
        w.dhcp->poll(w.now);
        break;
      case 3: {
        uint8_t op = r.u8(), arg = r.u8();
        if (!w.conn) break;
        if (op % 6 == 0) {
          BufferSource src(buf, size_t(arg) * 16);
          (void)w.conn->send(src, 0, nullptr, w.now);
        } else if (op % 6 == 1) {
          BufferSink dst(buf, arg);
          (void)w.conn->recv(dst, arg & 1 ? kMSG_PEEK : 0, nullptr, w.now);
        } else if (op % 6 == 2) {
          (void)w.conn->shutdown(arg % 3, w.now);
        } else if (op % 6 == 3) {
          int v = arg & 1;
          (void)w.conn->set_option(kIPPROTO_TCP, kTCP_NODELAY, &v, sizeof v);
          (void)w.conn->set_option(kSOL_SOCKET, kSO_KEEPALIVE, &v, sizeof v);
        } else if (op % 6 == 4) {
          int lg[2] = {1, 0};
          if (arg & 1) (void)w.conn->set_option(kSOL_SOCKET, kSO_LINGER, lg, sizeof lg);
          w.conn->close(w.now);
          w.conn = nullptr;
        } else {
          w.conn->events();
          int e;
          size_t l = sizeof e;
          (void)w.conn->get_option(kSOL_SOCKET, kSO_ERROR, &e, &l);
        }
        break;
      }
      case 4: {
        uint8_t op = r.u8(), arg = r.u8();
        if (op % 3 == 0) {
          Endpoint to{IpAddr::of(kPeer), uint16_t(arg + 1)};
          BufferSource src(buf, size_t(arg) * 8);
          (void)w.udp->send(src, 0, &to, w.now);
        } else if (op % 3 == 1) {
          BufferSink dst(buf, arg);
          Endpoint from;
          int mf = 0;
          (void)w.udp->recv(dst, arg & 1 ? kMSG_PEEK : 0, &from, w.now, &mf);
        } else {
          Socket* c = nullptr;
          if (w.listener->accept(&c, nullptr) == 0) {
            w.listener->events();
            c->close(w.now);
          }
        }
        break;
      }
      case 5: {
        if (!w.conn) break;
        uint8_t fl = r.u8();
        uint16_t win = r.u16();
        int32_t dseq = int8_t(r.u8()) * 64, dack = int8_t(r.u8()) * 64;
        size_t len = r.u8() * 8;
        const uint8_t* d = r.take(&len);
        const Tcb& t = w.conn->tcb;
        const uint8_t ts[] = {1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0};
        w.feed(ip_frame(kIPPROTO_TCP,
                        tcp_seg(40000, 80, t.rcv_nxt + uint32_t(dseq), t.snd_una + uint32_t(dack),
                                fl & 0x3f, win, ts, (fl & 0x40) ? sizeof ts : 0, d, len)));
        break;
      }
      case 6: {
        uint16_t port = r.u16();
        uint8_t fl = r.u8();
        size_t olen = r.u8() % 41;
        const uint8_t* o = r.take(&olen);
        w.feed(ip_frame(kIPPROTO_TCP, tcp_seg(port, 80, 5000, 0, fl & 0x3f, 8192, o, olen,
                                             nullptr, 0)));
        break;
      }
      case 7: {
        uint16_t id = r.u16(), off = r.u16();
        size_t len = r.u8() * 8;
        const uint8_t* d = r.take(&len);
        std::vector<uint8_t> payload(d, d + len);
        w.feed(ip_frame(kIPPROTO_UDP, payload, id, off));
        break;
      }
      case 8: {
        uint8_t type = r.u8();
        size_t olen = r.u8();
        const uint8_t* o = r.take(&olen);
        std::vector<uint8_t> m(8 + 240);
        put16(&m[0], 67);
        put16(&m[2], 68);
        uint8_t* b = &m[8];
        b[0] = 2;
        b[1] = 1;
        b[2] = 6;
        put32(b + 4, w.dev.dhcp_xid);
        put32(b + 16, ip4(10, 0, 0, 77).v);
        memcpy(b + 28, kUsMac.b, 6);
        put32(b + 236, 0x63825363);
        m.push_back(53);
        m.push_back(1);
        m.push_back(type);
        m.insert(m.end(), o, o + olen);
        put16(&m[4], uint16_t(m.size()));
        w.feed(ip_frame(kIPPROTO_UDP, m));
        w.dhcp->poll(w.now);
        break;
      }
      case 9: {
        uint8_t which = r.u8(), nh = r.u8(), hops = r.u8();
        size_t len = r.u16() % 1600;
        const uint8_t* d = r.take(&len);
        w.feed(ip6_frame(w.ifc, which, nh, hops, d, len));
        break;
      }
    }
  }
  w.st->poll(w.now + 400'000'000'000ull);  // every timer fires
  kiln::alloc_should_fail = nullptr;
  return 0;
}
