// IPv6 of kernel/net: link-local addresses, neighbour discovery, router
// advertisements and SLAAC, ICMPv6 echo and errors, UDP and TCP over IPv6
// (link-local, global, ::1, dual-stack sockets), fragments.
#include <gtest/gtest.h>

#include "net_sim.h"

using namespace nettest;

namespace {

Ip6 v6(const char* s) {
  Ip6 a;
  EXPECT_TRUE(parse_ip6(s, &a)) << s;
  return a;
}
std::string text(const Ip6& a) {
  char b[48];
  format_ip6(a, b, sizeof b);
  return b;
}
Endpoint ep6(const Ip6& a, uint16_t port) { return Endpoint{IpAddr::of(a), port}; }

// A's and B's link-local addresses (MACs 02:00:00:00:00:01 and ...:02).
const char* kLlA = "fe80::ff:fe00:1";
const char* kLlB = "fe80::ff:fe00:2";

struct World6 : World {
  explicit World6(uint64_t seed = 1, LinkParams p = {}) : World(seed, p) {
    a->enable_ipv6(ia, now);
    b->enable_ipv6(ib, now);
    run_for(1500 * kMs);  // duplicate address detection ends
  }
};

std::vector<uint8_t> ip6_packet(const Ip6& src, const Ip6& dst, uint8_t nh,
                                const std::vector<uint8_t>& payload, uint8_t hops = 64) {
  std::vector<uint8_t> p(40 + payload.size());
  p[0] = 0x60;
  put16(&p[4], uint16_t(payload.size()));
  p[6] = nh;
  p[7] = hops;
  memcpy(&p[8], src.b, 16);
  memcpy(&p[24], dst.b, 16);
  std::copy(payload.begin(), payload.end(), p.begin() + 40);
  return p;
}

std::vector<uint8_t> icmp6(const Ip6& src, const Ip6& dst, std::vector<uint8_t> m) {
  uint8_t ph[40] = {};
  memcpy(ph, src.b, 16);
  memcpy(ph + 16, dst.b, 16);
  put32(ph + 32, uint32_t(m.size()));
  ph[39] = 58;
  put16(&m[2], 0);
  put16(&m[2], csum_fold(csum_add(csum_add(0, ph, 40), m.data(), m.size())));
  return m;
}

// A router advertisement from fe80::1 (MAC 02:..:0r) with one prefix.
std::vector<uint8_t> router_advert(const Ip6& prefix, uint32_t valid, uint16_t router_life,
                                   uint32_t mtu = 0) {
  std::vector<uint8_t> m = {134, 0, 0, 0, 64, 0, uint8_t(router_life >> 8), uint8_t(router_life),
                            0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<uint8_t> sll = {1, 1, 2, 0, 0, 0, 0, 0x77};
  m.insert(m.end(), sll.begin(), sll.end());
  if (mtu) {
    std::vector<uint8_t> o = {5, 1, 0, 0, 0, 0, 0, 0};
    put32(&o[4], mtu);
    m.insert(m.end(), o.begin(), o.end());
  }
  std::vector<uint8_t> pi(32, 0);
  pi[0] = 3;
  pi[1] = 4;
  pi[2] = 64;
  pi[3] = 0xc0;  // L, A
  put32(&pi[4], valid);
  put32(&pi[8], valid);
  memcpy(&pi[16], prefix.b, 16);
  m.insert(m.end(), pi.begin(), pi.end());
  return icmp6(v6("fe80::1"), ip6_all_nodes(), m);
}

void inject6(World& w, Stack& st, Interface* ifc, const MacAddr& from,
             const std::vector<uint8_t>& ip) {
  MacAddr to = {{0x33, 0x33, 0, 0, 0, 1}};
  if (!(ip[24] == 0xff)) to = ifc->mac;
  auto f = eth_frame(to, from, 0x86dd, ip);
  st.input(ifc, f.data(), f.size(), w.now);
}

TEST(NetIpv6, ParsesAndFormatsAddresses) {
  EXPECT_EQ(text(v6("2001:db8::1")), "2001:db8::1");
  EXPECT_EQ(text(v6("2001:0db8:0:0:1:0:0:1")), "2001:db8::1:0:0:1");
  EXPECT_EQ(text(v6("::")), "::");
  EXPECT_EQ(text(v6("::1")), "::1");
  EXPECT_EQ(text(v6("fe80::")), "fe80::");
  EXPECT_EQ(text(v6("1:2:3:4:5:6:7:8")), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(text(v6("1:0:3:4:5:6:7:8")), "1:0:3:4:5:6:7:8");  // one zero group stays
  Ip6 a;
  for (const char* bad : {"", ":", "1::2::3", "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                          "g::", "1:", ":1"})
    EXPECT_FALSE(parse_ip6(bad, &a)) << bad;
  EXPECT_EQ(text(v6("2001:db8::ff:fe00:1").solicited_node()), "ff02::1:ff00:1");
}

TEST(NetIpv6, LinkLocalFromMacAndDadSolicitation) {
  World w;
  w.link.capture = true;
  w.a->enable_ipv6(w.ia, w.now);
  const Ip6Slot* ll = w.ia->ip6_link_local();
  ASSERT_NE(ll, nullptr);
  EXPECT_EQ(text(ll->addr), kLlA);
  EXPECT_TRUE(ll->tentative);
  bool dad = false, rs = false;
  for (auto& f : w.link.sent[0]) {
    if (be16(&f[12]) != 0x86dd) continue;
    const uint8_t* ip = &f[14];
    Ip6 src;
    memcpy(src.b, ip + 8, 16);
    if (ip[40] == 135 && src.any()) dad = true;
    if (ip[40] == 133) rs = true;
    EXPECT_EQ(ip[7], 255);
  }
  EXPECT_TRUE(dad);
  EXPECT_TRUE(rs);
  // Without routers: three solicitations in all, 4 s apart.
  w.run_for(20 * kSec);
  int n = 0;
  for (auto& f : w.link.sent[0])
    if (be16(&f[12]) == 0x86dd && f[14 + 40] == 133) n++;
  EXPECT_EQ(n, 3);
  EXPECT_FALSE(w.ia->ip6_link_local()->tentative);
}

TEST(NetIpv6, DuplicateAddressIsGivenUp) {
  World w;
  w.a->enable_ipv6(w.ia, w.now);
  Ip6 ll = v6(kLlA);
  std::vector<uint8_t> na = {136, 0, 0, 0, 0x20, 0, 0, 0};
  na.insert(na.end(), ll.b, ll.b + 16);
  std::vector<uint8_t> opt = {2, 1, 2, 9, 9, 9, 9, 9};
  na.insert(na.end(), opt.begin(), opt.end());
  inject6(w, *w.a, w.ia, MacAddr{{2, 9, 9, 9, 9, 9}},
          ip6_packet(v6("fe80::99"), ip6_all_nodes(), 58, icmp6(v6("fe80::99"), ip6_all_nodes(), na), 255));
  EXPECT_EQ(w.ia->ip6_link_local(), nullptr);
}

TEST(NetIpv6, EchoReplyAfterNeighbourDiscovery) {
  World6 w;
  w.link.capture = true;
  Ip6 a = v6(kLlA), b = v6(kLlB);
  std::vector<uint8_t> echo = {128, 0, 0, 0, 0, 7, 0, 1, 'p', 'i', 'n', 'g', '6'};
  auto ip = ip6_packet(b, a, 58, icmp6(b, a, echo));
  auto f = eth_frame(w.link.a().mac(), w.link.b().mac(), 0x86dd, ip);
  w.link.b().transmit(f.data(), f.size(), 0);
  w.run_for(100 * kMs);
  bool ns = false, reply = false;
  for (auto& s : w.link.sent[0]) {
    if (s.size() < 14 + 41 || be16(&s[12]) != 0x86dd) continue;
    if (s[14 + 40] == 135) ns = true;
    if (s[14 + 40] == 129) {
      reply = true;
      EXPECT_EQ(memcmp(&s[14 + 24], b.b, 16), 0);
      EXPECT_EQ(memcmp(&s[14 + 40 + 4], &echo[4], echo.size() - 4), 0);
    }
  }
  EXPECT_TRUE(ns);
  EXPECT_TRUE(reply);
  ASSERT_NE(w.ia->neighbor(IpAddr::of(b)), nullptr);
  EXPECT_EQ(w.ia->neighbor(IpAddr::of(b))->state, Neighbor::Reachable);
}

// Linux solicits from its global address while its link-local one is
// tentative (after the link flaps): the guest, with only a link-local
// address and no route, must still answer (tests/network/ipv6.py found it).
TEST(NetIpv6, SolicitationFromAnAddressWithoutRouteIsAnswered) {
  World6 w;
  w.link.capture = true;
  Ip6 a = v6(kLlA), from = v6("fd00:120::1");
  std::vector<uint8_t> ns = {135, 0, 0, 0, 0, 0, 0, 0};
  ns.insert(ns.end(), a.b, a.b + 16);
  std::vector<uint8_t> sll = {1, 1, 2, 0, 0, 0, 0, 0x99};
  ns.insert(ns.end(), sll.begin(), sll.end());
  Ip6 group = a.solicited_node();
  auto f = eth_frame(MacAddr{{0x33, 0x33, 0xff, 0, 0, 1}}, MacAddr{{2, 0, 0, 0, 0, 0x99}}, 0x86dd,
                     ip6_packet(from, group, 58, icmp6(from, group, ns), 255));
  w.link.b().transmit(f.data(), f.size(), 0);
  w.run_for(100 * kMs);
  bool advertised = false;
  for (auto& s : w.link.sent[0])
    if (s.size() >= 14 + 40 + 24 && be16(&s[12]) == 0x86dd && s[14 + 40] == 136) {
      advertised = true;
      EXPECT_EQ(s[5], 0x99);  // to the link address the solicitation gave
      EXPECT_EQ(memcmp(&s[14 + 24], from.b, 16), 0);
      EXPECT_EQ(memcmp(&s[14 + 40 + 8], a.b, 16), 0);
      EXPECT_EQ(s[14 + 40 + 4] & 0x40, 0x40);  // solicited
    }
  EXPECT_TRUE(advertised);
}

TEST(NetIpv6, UdpOverLinkLocal) {
  World6 w;
  Socket* rx = nullptr;
  Socket* tx = nullptr;
  ASSERT_EQ(w.b->socket(kAF_INET6, kSOCK_DGRAM, 0, &rx), 0);
  ASSERT_EQ(w.a->socket(kAF_INET6, kSOCK_DGRAM, 0, &tx), 0);
  ASSERT_EQ(rx->bind(ep6(Ip6{}, 5353)), 0);
  Endpoint to = ep6(v6(kLlB), 5353);
  EXPECT_EQ(send_bytes(tx, "hello6", 6, w.now, &to), 6);
  char buf[16];
  Endpoint from;
  ASSERT_TRUE(w.run([&] { return recv_bytes(rx, buf, sizeof buf, w.now, &from) == 6; }));
  EXPECT_EQ(from.addr, IpAddr::of(v6(kLlA)));
  uint8_t sa[28];
  EXPECT_EQ(endpoint_to_sockaddr(from, kAF_INET6, sa, sizeof sa), 28u);
  EXPECT_EQ(memcmp(sa + 8, v6(kLlA).b, 16), 0);
  // Port unreachable comes back as ICMPv6 to a connected socket.
  ASSERT_EQ(tx->connect(ep6(v6(kLlB), 9), w.now), 0);
  send_bytes(tx, "x", 1, w.now);
  ASSERT_TRUE(w.run([&] { return tx->events() & kEPOLLERR; }));
  EXPECT_EQ(recv_bytes(tx, buf, 4, w.now), -kECONNREFUSED);
  rx->close(w.now);
  tx->close(w.now);
}

TEST(NetIpv6, RouterAdvertisementConfiguresSlaacAndDefaultRoute) {
  World w;
  w.link.capture = true;
  w.a->enable_ipv6(w.ia, w.now);
  Ip6 prefix = v6("2001:db8:1::");
  MacAddr router_mac = {{2, 0, 0, 0, 0, 0x77}};
  inject6(w, *w.a, w.ia, router_mac,
          ip6_packet(v6("fe80::1"), ip6_all_nodes(), 58, router_advert(prefix, 3600, 1800, 1400), 255));
  Ip6Slot* g = w.ia->ip6_find(v6("2001:db8:1::ff:fe00:1"));
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(g->autoconf);
  EXPECT_EQ(w.ia->mtu, 1400u);
  EXPECT_NE(w.ia->router_until, 0u);
  // Off-link destinations go to the router's MAC, learned from the RA.
  Socket* s = nullptr;
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_DGRAM, 0, &s), 0);
  Endpoint far = ep6(v6("2001:db8:2::5"), 53);
  w.link.sent[0].clear();
  EXPECT_EQ(send_bytes(s, "q", 1, w.now, &far), 1);
  ASSERT_FALSE(w.link.sent[0].empty());
  auto& f = w.link.sent[0].back();
  EXPECT_EQ(memcmp(&f[0], router_mac.b, 6), 0);
  EXPECT_EQ(memcmp(&f[14 + 8], g->addr.b, 16), 0);  // from the SLAAC address
  // A forged short lifetime cannot cut the address below two hours.
  inject6(w, *w.a, w.ia, router_mac,
          ip6_packet(v6("fe80::1"), ip6_all_nodes(), 58, router_advert(prefix, 10, 1800), 255));
  ASSERT_NE(w.ia->ip6_find(g->addr), nullptr);
  w.run_for(60 * kSec);
  EXPECT_NE(w.ia->ip6_find(g->addr), nullptr);
  // Without refreshes the address expires with its lifetime.
  w.run_for(3600 * kSec);
  EXPECT_EQ(w.ia->ip6_find(v6("2001:db8:1::ff:fe00:1")), nullptr);
  EXPECT_EQ(w.ia->router_until, 0u);
  EXPECT_EQ(send_bytes(s, "q", 1, w.now, &far), -kENETUNREACH);
  s->close(w.now);
}

TEST(NetIpv6, NeighbourDiscoveryNeedsHopLimit255) {
  World w;
  w.a->enable_ipv6(w.ia, w.now);
  inject6(w, *w.a, w.ia, MacAddr{{2, 0, 0, 0, 0, 0x77}},
          ip6_packet(v6("fe80::1"), ip6_all_nodes(), 58, router_advert(v6("2001:db8:1::"), 3600, 1800), 64));
  EXPECT_EQ(w.ia->ip6_find(v6("2001:db8:1::ff:fe00:1")), nullptr);
  EXPECT_EQ(w.ia->router_until, 0u);
}

// Both stacks take a global address from a router advertisement.
void give_prefix(World& w) {
  MacAddr r = {{2, 0, 0, 0, 0, 0x77}};
  auto ra = ip6_packet(v6("fe80::1"), ip6_all_nodes(), 58, router_advert(v6("2001:db8:1::"), 86400, 0), 255);
  inject6(w, *w.a, w.ia, r, ra);
  inject6(w, *w.b, w.ib, r, ra);
  w.run_for(1500 * kMs);
}

TEST(NetIpv6, TcpTransferOverGlobalAddressesUnderLoss) {
  LinkParams p;
  p.loss = 0.02;
  p.reorder = 0.02;
  p.delay = kMs;
  World6 w(5, p);
  give_prefix(w);
  Socket* l = nullptr;
  Socket* c = nullptr;
  ASSERT_EQ(w.b->socket(kAF_INET6, kSOCK_STREAM, 0, &l), 0);
  ASSERT_EQ(l->bind(ep6(Ip6{}, 80)), 0);
  ASSERT_EQ(l->listen(4), 0);
  ASSERT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &c), 0);
  EXPECT_EQ(c->connect(ep6(v6("2001:db8:1::ff:fe00:2"), 80), w.now), -kEINPROGRESS);
  Socket* acc = nullptr;
  Endpoint peer;
  ASSERT_TRUE(w.run([&] { return l->accept(&acc, &peer) == 0 && c->events() & kEPOLLOUT; }));
  EXPECT_EQ(peer.addr, IpAddr::of(v6("2001:db8:1::ff:fe00:1")));
  EXPECT_EQ(c->tcb.mss, 1500 - 60);
  std::vector<uint8_t> data(1 << 20);
  Rng r(3);
  for (auto& x : data) x = uint8_t(r.next());
  size_t sent = 0;
  std::vector<uint8_t> got;
  uint8_t buf[8192];
  bool shut = false;
  ASSERT_TRUE(w.run(
      [&] {
        while (sent < data.size()) {
          long n = send_bytes(c, data.data() + sent, data.size() - sent, w.now);
          if (n <= 0) break;
          sent += size_t(n);
        }
        if (sent == data.size() && !shut) shut = c->shutdown(kSHUT_WR, w.now) == 0;
        long n;
        while ((n = recv_bytes(acc, buf, sizeof buf, w.now)) > 0) got.insert(got.end(), buf, buf + n);
        return n == 0;
      },
      120 * kSec, 5 * kMs));
  EXPECT_TRUE(got == data);
  for (Socket* s : {c, acc, l}) s->close(w.now);
}

TEST(NetIpv6, LoopbackAndDualStackSockets) {
  World6 w;
  Socket* l6 = nullptr;
  ASSERT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &l6), 0);
  ASSERT_EQ(l6->bind(ep6(Ip6{}, 8080)), 0);
  ASSERT_EQ(l6->listen(8), 0);
  // IPv6 over ::1, and IPv4 to the same :: listener (a mapped peer).
  Socket* c6 = nullptr;
  Socket* c4 = nullptr;
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &c6), 0);
  EXPECT_EQ(w.a->socket(kAF_INET, kSOCK_STREAM, 0, &c4), 0);
  EXPECT_EQ(c6->connect(ep6(ip6_loopback(), 8080), w.now), -kEINPROGRESS);
  EXPECT_EQ(c4->connect(ep(ip4(127, 0, 0, 1), 8080), w.now), -kEINPROGRESS);
  std::vector<Endpoint> peers;
  std::vector<Socket*> acc;
  ASSERT_TRUE(w.run([&] {
    Socket* x;
    Endpoint p;
    while (l6->accept(&x, &p) == 0) acc.push_back(x), peers.push_back(p);
    return acc.size() == 2;
  }));
  bool saw4 = false, saw6 = false;
  for (auto& p : peers) {
    uint8_t sa[28];
    endpoint_to_sockaddr(p, kAF_INET6, sa, sizeof sa);
    Endpoint back;
    endpoint_from_sockaddr(sa, 28, &back);
    if (p.addr.v6) saw6 = p.addr.a6.loopback();
    else saw4 = back.addr.a6.v4_mapped() && back.addr.a6.v4() == ip4(127, 0, 0, 1);
  }
  EXPECT_TRUE(saw4);
  EXPECT_TRUE(saw6);
  // IPV6_V6ONLY keeps IPv4 out.
  Socket* only = nullptr;
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &only), 0);
  int one = 1;
  EXPECT_EQ(only->set_option(kIPPROTO_IPV6, kIPV6_V6ONLY, &one, sizeof one), 0);
  ASSERT_EQ(only->bind(ep6(Ip6{}, 8081)), 0);
  ASSERT_EQ(only->listen(1), 0);
  Socket* c4b = nullptr;
  EXPECT_EQ(w.a->socket(kAF_INET, kSOCK_STREAM, 0, &c4b), 0);
  EXPECT_EQ(c4b->connect(ep(ip4(127, 0, 0, 1), 8081), w.now), -kEINPROGRESS);
  ASSERT_TRUE(w.run([&] { return c4b->events() & kEPOLLERR; }));
  // UDP over ::1.
  Socket* u = nullptr;
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_DGRAM, 0, &u), 0);
  EXPECT_EQ(u->bind(ep6(ip6_loopback(), 7)), 0);
  Endpoint to = ep6(ip6_loopback(), 7);
  EXPECT_EQ(send_bytes(u, "me", 2, w.now, &to), 2);
  char b2[4];
  EXPECT_EQ(recv_bytes(u, b2, 4, w.now), 2);
  for (Socket* s : {l6, c6, c4, only, c4b, u}) s->close(w.now);
  for (Socket* s : acc) s->close(w.now);
}

// Linux lets 0.0.0.0 and an IPV6_V6ONLY :: share a port, in either order;
// a dual-stack :: clashes with 0.0.0.0.
TEST(NetIpv6, V6OnlySharesPortWithIpv4) {
  World6 w(2, LinkParams{});
  int one = 1;
  auto v6only = [&](Socket* s) { return s->set_option(kIPPROTO_IPV6, kIPV6_V6ONLY, &one, sizeof one); };
  Socket *v4 = nullptr, *only = nullptr, *dual = nullptr, *only2 = nullptr, *v4b = nullptr;
  EXPECT_EQ(w.a->socket(kAF_INET, kSOCK_STREAM, 0, &v4), 0);
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &only), 0);
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &dual), 0);
  ASSERT_EQ(v4->bind(ep(Ip4{}, 6379)), 0);
  ASSERT_EQ(v4->listen(8), 0);
  EXPECT_EQ(dual->bind(ep6(Ip6{}, 6379)), -kEADDRINUSE);
  ASSERT_EQ(v6only(only), 0);
  EXPECT_EQ(only->bind(ep6(Ip6{}, 6379)), 0);
  EXPECT_EQ(only->listen(8), 0);
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_STREAM, 0, &only2), 0);
  EXPECT_EQ(w.a->socket(kAF_INET, kSOCK_STREAM, 0, &v4b), 0);
  ASSERT_EQ(v6only(only2), 0);
  EXPECT_EQ(only2->bind(ep6(Ip6{}, 6380)), 0);
  EXPECT_EQ(v4b->bind(ep(Ip4{}, 6380)), 0);
  for (Socket* s : {v4, only, dual, only2, v4b}) s->close(w.now);
}

TEST(NetIpv6, FragmentsLargeDatagrams) {
  World6 w(2, LinkParams{0, 0.1, 0.3});
  Socket* rx = nullptr;
  Socket* tx = nullptr;
  EXPECT_EQ(w.b->socket(kAF_INET6, kSOCK_DGRAM, 0, &rx), 0);
  EXPECT_EQ(w.a->socket(kAF_INET6, kSOCK_DGRAM, 0, &tx), 0);
  EXPECT_EQ(rx->bind(ep6(Ip6{}, 9000)), 0);
  std::vector<uint8_t> big(20000);
  for (size_t i = 0; i < big.size(); i++) big[i] = uint8_t(i * 13);
  Endpoint to = ep6(v6(kLlB), 9000);
  EXPECT_EQ(send_bytes(tx, big.data(), big.size(), w.now, &to), long(big.size()));
  std::vector<uint8_t> got(30000);
  long n = -1;
  ASSERT_TRUE(w.run([&] { return (n = recv_bytes(rx, got.data(), got.size(), w.now)) >= 0; }));
  got.resize(size_t(n));
  EXPECT_EQ(got, big);
  rx->close(w.now);
  tx->close(w.now);
}

TEST(NetIpv6, MalformedPacketsAreDropped) {
  World6 w;
  Ip6 a = v6(kLlA), b = v6(kLlB);
  std::vector<uint8_t> echo = {128, 0, 0, 0, 0, 1, 0, 1};
  auto good = ip6_packet(b, a, 58, icmp6(b, a, echo));
  uint64_t out = w.a->stats.icmp_out;
  for (size_t n = 0; n < good.size(); n++) {
    auto f = eth_frame(w.link.a().mac(), w.link.b().mac(), 0x86dd,
                       std::vector<uint8_t>(good.begin(), good.begin() + long(n)));
    w.a->input(w.ia, f.data(), f.size(), w.now);
  }
  auto bad = good;
  bad[40 + 2] ^= 1;  // checksum
  inject6(w, *w.a, w.ia, w.link.b().mac(), bad);
  bad = good;
  bad[6] = 0;  // a hop-by-hop header longer than the packet
  bad[41] = 200;
  inject6(w, *w.a, w.ia, w.link.b().mac(), bad);
  EXPECT_EQ(w.a->stats.icmp_out, out);
  bad = good;
  bad[6] = 43;  // routing header with segments left
  bad.insert(bad.begin() + 40, {58, 0, 0, 1, 0, 0, 0, 0});
  put16(&bad[4], uint16_t(bad.size() - 40));
  inject6(w, *w.a, w.ia, w.link.b().mac(), bad);
  EXPECT_EQ(w.a->stats.icmp_out, out);
  inject6(w, *w.a, w.ia, w.link.b().mac(), good);
  EXPECT_EQ(w.a->stats.icmp_out, out + 2);  // a neighbour solicitation, the reply
}

}  // namespace
