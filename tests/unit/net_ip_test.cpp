// Ethernet, ARP, IPv4 (fragmentation, reassembly), ICMP, UDP, loopback and
// routing of kernel/net, over simulated links.
#include <gtest/gtest.h>

#include "net/addr.h"
#include "net/byte_ring.h"
#include "net/bytes.h"
#include "net/reassembly.h"
#include "net_sim.h"

using namespace nettest;

namespace {

const Ip4 kA = ip4(10, 0, 0, 1), kB = ip4(10, 0, 0, 2);

Socket* udp_bound(Stack& st, Ip4 addr, uint16_t port) {
  Socket* s = make_socket(st, kSOCK_DGRAM);
  EXPECT_EQ(s->bind(ep(addr, port)), 0);
  return s;
}

TEST(NetBasics, ChecksumMatchesRfc1071Example) {
  const uint8_t d[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(csum_fold(csum_add(0, d, sizeof d)), uint16_t(~0xddf2));
  const uint8_t odd[] = {0x01, 0x02, 0x03};
  EXPECT_EQ(csum_fold(csum_add(0, odd, 3)), uint16_t(~(0x0102 + 0x0300)));
}

TEST(NetBasics, ParsesAndFormatsAddresses) {
  Ip4 a;
  EXPECT_TRUE(parse_ip4("10.0.120.120", &a));
  EXPECT_EQ(a, ip4(10, 0, 120, 120));
  char buf[16];
  format_ip4(a, buf, sizeof buf);
  EXPECT_STREQ(buf, "10.0.120.120");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4x", "0001.2.3.4"})
    EXPECT_FALSE(parse_ip4(bad, &a)) << bad;
}

TEST(NetBasics, SockaddrRoundTrip) {
  uint8_t sa[28];
  Endpoint e = ep(ip4(192, 168, 1, 9), 8080);
  EXPECT_EQ(endpoint_to_sockaddr(e, kAF_INET, sa, sizeof sa), 16u);
  Endpoint back;
  EXPECT_EQ(endpoint_from_sockaddr(sa, 16, &back), 0);
  EXPECT_EQ(back, e);
  EXPECT_EQ(endpoint_from_sockaddr(sa, 8, &back), -kEINVAL);
  EXPECT_EQ(endpoint_to_sockaddr(e, kAF_INET6, sa, sizeof sa), 28u);
  EXPECT_EQ(endpoint_from_sockaddr(sa, 28, &back), 0);
  EXPECT_TRUE(back.addr.v6 && back.addr.a6.v4_mapped());
  EXPECT_EQ(back.addr.a6.v4(), e.addr.a4);
}

TEST(NetBasics, ByteRingStoresOutOfOrderAndCommits) {
  ByteRing r;
  r.set_limit(10000);
  std::vector<uint8_t> x(6000);
  for (size_t i = 0; i < x.size(); i++) x[i] = uint8_t(i * 7);
  ASSERT_TRUE(r.store(3000, &x[3000], 3000));
  ASSERT_TRUE(r.store(0, &x[0], 3000));
  r.commit(6000);
  EXPECT_EQ(r.size(), 6000u);
  std::vector<uint8_t> out(6000);
  r.peek(0, out.data(), 6000);
  EXPECT_EQ(out, x);
  r.consume(5000);
  EXPECT_FALSE(r.store(5000, x.data(), 6000));  // past the limit
  ASSERT_TRUE(r.store(0, x.data(), 5000));
  r.commit(5000);
  r.peek(1000, out.data(), 5000);
  EXPECT_TRUE(std::equal(out.begin(), out.begin() + 5000, x.begin()));
}

TEST(NetArp, ResolvesQueuesPendingAndAges) {
  World w;
  Socket* rx = udp_bound(*w.b, Ip4{}, 7000);
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  Endpoint to = ep(kB, 7000);
  // Three datagrams before the answer: all wait in the pending queue.
  for (int i = 0; i < 3; i++) EXPECT_EQ(send_bytes(tx, "abc", 3, w.now, &to), 3);
  ASSERT_NE(w.ia->arp_find(kB), nullptr);
  EXPECT_EQ(w.ia->arp_find(kB)->state, Neighbor::Incomplete);
  char buf[8];
  int got = 0;
  EXPECT_TRUE(w.run([&] {
    while (recv_bytes(rx, buf, sizeof buf, w.now) == 3) got++;
    return got == 3;
  }));
  EXPECT_EQ(w.ia->arp_find(kB)->state, Neighbor::Reachable);
  // B learned A from the request addressed to it.
  ASSERT_NE(w.ib->arp_find(kA), nullptr);
  // Ageing: after the timeout, the entry is gone.
  w.run_for(w.a->config().arp_timeout_ns + kSec);
  EXPECT_EQ(w.ia->arp_find(kB), nullptr);
  tx->close(w.now);
  rx->close(w.now);
}

TEST(NetArp, GivesUpOnSilentNeighbour) {
  World w;
  w.link.capture = true;
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  Endpoint to = ep(ip4(10, 0, 0, 99), 9);
  EXPECT_EQ(send_bytes(tx, "x", 1, w.now, &to), 1);
  w.run_for(10 * kSec);
  EXPECT_EQ(w.ia->arp_find(ip4(10, 0, 0, 99)), nullptr);
  int requests = 0;
  for (auto& f : w.link.sent[0])
    if (be16(&f[12]) == 0x0806 && be32(&f[14 + 24]) == ip4(10, 0, 0, 99).v) requests++;
  EXPECT_EQ(requests, 3);
  tx->close(w.now);
}

TEST(NetArp, AnnouncesAddressGratuitously) {
  World w;
  w.link.capture = true;
  w.a->set_ipv4(w.ia, ip4(10, 0, 0, 7), 24, w.now);
  ASSERT_FALSE(w.link.sent[0].empty());
  auto& f = w.link.sent[0].back();
  EXPECT_EQ(be16(&f[12]), 0x0806);
  EXPECT_EQ(be32(&f[14 + 14]), ip4(10, 0, 0, 7).v);  // sender = target
  EXPECT_EQ(be32(&f[14 + 24]), ip4(10, 0, 0, 7).v);
  for (int i = 0; i < 6; i++) EXPECT_EQ(f[i], 0xff);
}

TEST(NetArp, IgnoresMalformedAndAnswersRequests) {
  World w;
  w.link.capture = true;
  std::vector<uint8_t> arp(28);
  put16(&arp[0], 1);
  put16(&arp[2], 0x0800);
  arp[4] = 6;
  arp[5] = 4;
  put16(&arp[6], 1);
  MacAddr peer = {{0x02, 9, 9, 9, 9, 9}};
  memcpy(&arp[8], peer.b, 6);
  put32(&arp[14], ip4(10, 0, 0, 50).v);
  put32(&arp[24], kA.v);
  MacAddr bc = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  auto f = eth_frame(bc, peer, 0x0806, arp);
  // Truncated copies are ignored.
  for (size_t n = 0; n < f.size(); n++) w.a->input(w.ia, f.data(), n, w.now);
  EXPECT_EQ(w.ia->arp_find(ip4(10, 0, 0, 50)), nullptr);
  w.a->input(w.ia, f.data(), f.size(), w.now);
  ASSERT_NE(w.ia->arp_find(ip4(10, 0, 0, 50)), nullptr);
  auto& r = w.link.sent[0].back();
  EXPECT_EQ(be16(&r[12]), 0x0806);
  EXPECT_EQ(be16(&r[14 + 6]), 2);
  EXPECT_EQ(memcmp(&r[0], peer.b, 6), 0);
}

TEST(NetIcmp, AnswersEchoRequests) {
  World w;
  w.link.capture = true;
  w.run_for(10 * kMs);
  std::vector<uint8_t> echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
  put16(&echo[2], checksum(echo.data(), echo.size()));
  auto ip = ip4_packet(kB, kA, 1, echo);
  auto f = eth_frame(w.link.a().mac(), w.link.b().mac(), 0x0800, ip);
  w.link.b().transmit(f.data(), f.size(), 0);
  w.run_for(50 * kMs);
  bool seen = false;
  for (auto& s : w.link.sent[0]) {
    auto v = parse_ip4_frame(s);
    if (v.ok && v.proto == 1 && v.payload[0] == 0) {
      seen = true;
      EXPECT_EQ(v.dst, kB);
      EXPECT_EQ(checksum(v.payload.data(), v.payload.size()), 0);
      EXPECT_EQ(std::vector<uint8_t>(v.payload.begin() + 4, v.payload.end()),
                std::vector<uint8_t>(echo.begin() + 4, echo.end()));
    }
  }
  EXPECT_TRUE(seen);
}

TEST(NetIcmp, PortUnreachableIsRateLimitedAndReachesConnectedUdp) {
  World w;
  w.link.capture = true;
  Socket* s = make_socket(*w.a, kSOCK_DGRAM);
  ASSERT_EQ(s->connect(ep(kB, 4444), w.now), 0);
  EXPECT_EQ(send_bytes(s, "hi", 2, w.now), 2);
  w.run([&] { return (s->events() & kEPOLLERR) != 0; });
  char b[4];
  EXPECT_EQ(recv_bytes(s, b, 4, w.now), -kECONNREFUSED);
  EXPECT_EQ(s->events() & kEPOLLERR, 0u);
  // A burst of 300 datagrams to a closed port: at most the bucket's burst
  // of errors comes back.
  uint64_t before = w.b->stats.icmp_out;
  for (int i = 0; i < 300; i++) {
    send_bytes(s, "x", 1, w.now);
    w.poll();
    w.now += 1000;
  }
  w.run_for(50 * kMs);
  uint64_t sent = w.b->stats.icmp_out - before;
  EXPECT_LE(sent, w.b->config().icmp_burst + 2);
  EXPECT_GT(w.b->stats.icmp_limited, 0u);
  s->close(w.now);
}

TEST(NetUdp, SendtoRecvfromBothWays) {
  World w;
  Socket* sa = udp_bound(*w.a, Ip4{}, 5000);
  Socket* sb = udp_bound(*w.b, kB, 6000);
  Endpoint tb = ep(kB, 6000);
  EXPECT_EQ(send_bytes(sa, "hello", 5, w.now, &tb), 5);
  char buf[64];
  Endpoint from;
  ASSERT_TRUE(w.run([&] { return sb->events() & kEPOLLIN; }));
  EXPECT_EQ(sb->rx_available(), 5u);
  EXPECT_EQ(recv_bytes(sb, buf, 2, w.now, &from, kMSG_PEEK), 2);
  int mf = 0;
  EXPECT_EQ(recv_bytes(sb, buf, 3, w.now, &from, 0, &mf), 3);  // truncated datagram
  EXPECT_EQ(mf, kMSG_TRUNC);
  EXPECT_EQ(from, ep(kA, 5000));
  EXPECT_EQ(recv_bytes(sb, buf, 3, w.now), -kEAGAIN);
  EXPECT_EQ(send_bytes(sb, "world!", 6, w.now, &from), 6);
  ASSERT_TRUE(w.run([&] { return sa->events() & kEPOLLIN; }));
  EXPECT_EQ(recv_bytes(sa, buf, sizeof buf, w.now, &from), 6);
  EXPECT_EQ(memcmp(buf, "world!", 6), 0);
  EXPECT_EQ(from, tb);
  Endpoint name;
  EXPECT_EQ(sa->local_name(&name), 0);
  EXPECT_EQ(name.port, 5000);
  EXPECT_EQ(sa->peer_name(&name), -kENOTCONN);
  sa->close(w.now);
  sb->close(w.now);
}

TEST(NetUdp, BindConflictsAndReuse) {
  World w;
  Socket* s1 = udp_bound(*w.a, Ip4{}, 5353);
  Socket* s2 = make_socket(*w.a, kSOCK_DGRAM);
  EXPECT_EQ(s2->bind(ep(Ip4{}, 5353)), -kEADDRINUSE);
  EXPECT_EQ(s2->bind(ep(ip4(10, 9, 9, 9), 1)), -kEADDRNOTAVAIL);
  Socket* r1 = make_socket(*w.a, kSOCK_DGRAM);
  Socket* r2 = make_socket(*w.a, kSOCK_DGRAM);
  int one = 1;
  EXPECT_EQ(r1->set_option(kSOL_SOCKET, kSO_REUSEPORT, &one, sizeof one), 0);
  EXPECT_EQ(r2->set_option(kSOL_SOCKET, kSO_REUSEPORT, &one, sizeof one), 0);
  EXPECT_EQ(r1->bind(ep(Ip4{}, 6000)), 0);
  EXPECT_EQ(r2->bind(ep(Ip4{}, 6000)), 0);
  for (Socket* s : {s1, s2, r1, r2}) s->close(w.now);
}

TEST(NetUdp, ConnectFiltersAndDisconnectForgets) {
  World w;
  Socket* rx = make_socket(*w.b, kSOCK_DGRAM);
  ASSERT_EQ(rx->bind(ep(Ip4{}, 700)), 0);
  ASSERT_EQ(rx->connect(ep(kA, 5), w.now), 0);
  Endpoint e;
  EXPECT_EQ(rx->peer_name(&e), 0);
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  ASSERT_EQ(tx->bind(ep(Ip4{}, 6)), 0);
  Endpoint to = ep(kB, 700);
  EXPECT_EQ(send_bytes(tx, "no", 2, w.now, &to), 2);  // from port 6: filtered
  w.run_for(20 * kMs);
  char c[4];
  EXPECT_EQ(recv_bytes(rx, c, 4, w.now), -kEAGAIN);
  EXPECT_EQ(rx->disconnect(w.now), 0);
  EXPECT_EQ(rx->peer_name(&e), -kENOTCONN);
  EXPECT_EQ(send_bytes(tx, "yes", 3, w.now, &to), 3);
  EXPECT_TRUE(w.run([&] { return recv_bytes(rx, c, 4, w.now) == 3; }));
  rx->close(w.now);
  tx->close(w.now);
}

TEST(NetUdp, BroadcastNeedsOption) {
  World w;
  Socket* rx = udp_bound(*w.b, Ip4{}, 67);
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  Endpoint bc = ep(ip4(255, 255, 255, 255), 67);
  EXPECT_EQ(send_bytes(tx, "d", 1, w.now, &bc), -kEACCES);
  int one = 1;
  EXPECT_EQ(tx->set_option(kSOL_SOCKET, kSO_BROADCAST, &one, sizeof one), 0);
  EXPECT_EQ(send_bytes(tx, "d", 1, w.now, &bc), 1);
  Endpoint sbc = ep(ip4(10, 0, 0, 255), 67);
  EXPECT_EQ(send_bytes(tx, "e", 1, w.now, &sbc), 1);
  char c[2];
  int got = 0;
  EXPECT_TRUE(w.run([&] {
    while (recv_bytes(rx, c, 2, w.now) == 1) got++;
    return got == 2;
  }));
  rx->close(w.now);
  tx->close(w.now);
}

TEST(NetIp, FragmentsAndReassemblesLargeDatagrams) {
  World w(3, LinkParams{0, 0.2, 0.5});  // duplicates and reordering
  w.link.capture = true;
  Socket* rx = udp_bound(*w.b, Ip4{}, 9000);
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  std::vector<uint8_t> big(30000);
  for (size_t i = 0; i < big.size(); i++) big[i] = uint8_t(i * 131 + 7);
  Endpoint to = ep(kB, 9000);
  EXPECT_EQ(send_bytes(tx, big.data(), big.size(), w.now, &to), long(big.size()));
  std::vector<uint8_t> got(70000);
  long n = -1;
  EXPECT_TRUE(w.run([&] {
    n = recv_bytes(rx, got.data(), got.size(), w.now);
    return n >= 0;
  }));
  ASSERT_EQ(n, long(big.size()));
  got.resize(size_t(n));
  EXPECT_EQ(got, big);
  int frags = 0;
  for (auto& f : w.link.sent[0]) {
    auto v = parse_ip4_frame(f);
    if (v.ok && v.proto == 17) {
      frags++;
      EXPECT_LE(f.size(), 14u + 1500u);
    }
  }
  EXPECT_EQ(frags, 21);  // 30008 bytes in 1480-byte pieces
  // Too large for IPv4 at all.
  std::vector<uint8_t> huge(70000);
  EXPECT_EQ(send_bytes(tx, huge.data(), huge.size(), w.now, &to), -kEMSGSIZE);
  rx->close(w.now);
  tx->close(w.now);
}

// Fragments of one datagram to B's port 9000, hand-made.
struct FragSender {
  World& w;
  uint16_t id;
  std::vector<uint8_t> dgram;
  FragSender(World& world, uint16_t i, size_t n) : w(world), id(i) {
    std::vector<uint8_t> data(n);
    for (size_t k = 0; k < n; k++) data[k] = uint8_t(k);
    dgram = udp_datagram(kA, kB, 1234, 9000, data);
  }
  void send(size_t off, size_t len, bool more) {
    std::vector<uint8_t> part(dgram.begin() + long(off), dgram.begin() + long(off + len));
    auto ip = ip4_packet(kA, kB, 17, part, id, uint16_t(off / 8 | (more ? 0x2000 : 0)));
    auto f = eth_frame(w.link.b().mac(), w.link.a().mac(), 0x0800, ip);
    w.b->input(w.ib, f.data(), f.size(), w.now);
  }
};

TEST(NetIp, ReassemblyRejectsOverlapsAndLimits) {
  World w;
  Socket* rx = udp_bound(*w.b, Ip4{}, 9000);
  std::vector<uint8_t> buf(70000);
  auto received = [&] { return recv_bytes(rx, buf.data(), buf.size(), w.now); };
  {
    // In order, with an exact duplicate in the middle: accepted.
    FragSender f(w, 1, 2000);
    f.send(0, 800, true);
    f.send(800, 800, true);
    f.send(800, 800, true);
    f.send(1600, f.dgram.size() - 1600, false);
    EXPECT_EQ(received(), 2000);
  }
  {
    // Overlap (teardrop): the datagram is discarded.
    FragSender f(w, 2, 2000);
    f.send(0, 800, true);
    f.send(792, 808, true);
    f.send(1600, f.dgram.size() - 1600, false);
    EXPECT_EQ(received(), -kEAGAIN);
  }
  {
    // Overlap from the other side, last fragment first.
    FragSender f(w, 3, 2000);
    f.send(1600, f.dgram.size() - 1600, false);
    f.send(800, 816, true);
    f.send(0, 800, true);
    EXPECT_EQ(received(), -kEAGAIN);
  }
  {
    // A length that is not a multiple of 8 in a middle fragment.
    FragSender f(w, 4, 2000);
    f.send(0, 804, true);
    f.send(800, f.dgram.size() - 800, false);
    EXPECT_EQ(received(), -kEAGAIN);
  }
  {
    // More fragments than allowed.
    FragSender f(w, 5, 8 * 100);
    for (size_t off = 0; off + 8 < f.dgram.size(); off += 8) f.send(off, 8, true);
    f.send(f.dgram.size() - 8, 8, false);
    EXPECT_EQ(received(), -kEAGAIN);
  }
  {
    // Reaching past 65535 bytes.
    FragSender f(w, 6, 100);
    std::vector<uint8_t> part(800, 1);
    auto ip = ip4_packet(kA, kB, 17, part, 6, uint16_t(65000 / 8));
    auto fr = eth_frame(w.link.b().mac(), w.link.a().mac(), 0x0800, ip);
    w.b->input(w.ib, fr.data(), fr.size(), w.now);
    EXPECT_EQ(received(), -kEAGAIN);
  }
  {
    // Incomplete datagrams expire; the slots are bounded.
    for (uint16_t id = 100; id < 200; id++) {
      FragSender f(w, id, 1000);
      f.send(0, 512, true);
    }
    w.run_for(35 * kSec);
    EXPECT_EQ(received(), -kEAGAIN);
    FragSender f(w, 300, 2000);
    f.send(0, 800, true);
    f.send(800, f.dgram.size() - 800, false);
    EXPECT_EQ(received(), 2000);
  }
  rx->close(w.now);
}

TEST(NetIp, DropsBadHeaders) {
  World w;
  Socket* rx = udp_bound(*w.b, Ip4{}, 9000);
  auto good = ip4_packet(kA, kB, 17, udp_datagram(kA, kB, 1, 9000, {1, 2, 3}));
  auto deliver = [&](std::vector<uint8_t> ip) {
    auto f = eth_frame(w.link.b().mac(), w.link.a().mac(), 0x0800, ip);
    w.b->input(w.ib, f.data(), f.size(), w.now);
  };
  char c[8];
  auto bad = good;
  bad[10] ^= 1;  // header checksum
  deliver(bad);
  bad = good;
  bad[0] = 0x44;  // IHL 4
  deliver(bad);
  bad = good;
  put16(&bad[2], 2000);  // longer than the frame
  deliver(bad);
  bad = good;
  bad[20 + 6] ^= 0x55;  // UDP checksum
  deliver(bad);
  EXPECT_EQ(recv_bytes(rx, c, 8, w.now), -kEAGAIN);
  // Link padding after the datagram is ignored.
  auto padded = good;
  padded.resize(60, 0xee);
  deliver(padded);
  EXPECT_EQ(recv_bytes(rx, c, 8, w.now), 3);
  rx->close(w.now);
}

TEST(NetLoopback, UdpToSelfAndLocalAddress) {
  World w;
  Socket* rx = udp_bound(*w.a, Ip4{}, 1111);
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  char buf[8];
  Endpoint from;
  for (Ip4 dst : {ip4(127, 0, 0, 1), kA, ip4(127, 1, 2, 3)}) {
    Endpoint to = ep(dst, 1111);
    EXPECT_EQ(send_bytes(tx, "loop", 4, w.now, &to), 4);
    // Delivered at the end of the call: no network thread needed.
    EXPECT_EQ(recv_bytes(rx, buf, sizeof buf, w.now, &from), 4);
    EXPECT_EQ(from.addr.a4, dst.loopback() ? ip4(127, 0, 0, 1) : kA);
  }
  EXPECT_EQ(w.link.frames, 1u + 1u);  // only the two gratuitous ARPs went out
  rx->close(w.now);
  tx->close(w.now);
}

TEST(NetRoute, DefaultGatewayAndUnreachable) {
  World w;
  w.link.capture = true;
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  Endpoint far = ep(ip4(192, 168, 7, 7), 53);
  EXPECT_EQ(send_bytes(tx, "q", 1, w.now, &far), -kENETUNREACH);
  ASSERT_TRUE(w.a->set_default_gateway(kB, w.ia));
  EXPECT_EQ(send_bytes(tx, "q", 1, w.now, &far), 1);
  w.run_for(100 * kMs);
  bool seen = false;
  for (auto& f : w.link.sent[0]) {
    auto v = parse_ip4_frame(f);
    if (v.ok && v.proto == 17 && v.dst == far.addr.a4) {
      seen = true;
      EXPECT_EQ(memcmp(&f[0], w.link.b().mac().b, 6), 0);  // to the gateway's MAC
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_GT(w.b->stats.ip_forward_drop, 0u);  // a host does not forward
  tx->close(w.now);
}

TEST(NetRoute, SeveralInterfaces) {
  uint64_t now = kSec;
  Rng ra(1), rb(2), rc(3);
  SimLink l1(&now, 11, 1, 2), l2(&now, 12, 3, 4);
  Stack a(test_config(&ra)), b(test_config(&rb)), c(test_config(&rc));
  Interface* a0 = a.add_interface(&l1.a(), "eth0");
  Interface* a1 = a.add_interface(&l2.a(), "eth1");
  a.set_ipv4(a0, ip4(10, 0, 0, 1), 24, now);
  a.set_ipv4(a1, ip4(10, 1, 0, 1), 16, now);
  b.set_ipv4(b.add_interface(&l1.b(), "eth0"), ip4(10, 0, 0, 2), 24, now);
  c.set_ipv4(c.add_interface(&l2.b(), "eth0"), ip4(10, 1, 5, 5), 16, now);
  EXPECT_EQ(a.interface_by_name("eth1"), a1);
  Socket *rb_s = nullptr, *rc_s = nullptr, *tx = nullptr;
  EXPECT_EQ(b.socket(kAF_INET, kSOCK_DGRAM, 0, &rb_s), 0);
  EXPECT_EQ(c.socket(kAF_INET, kSOCK_DGRAM, 0, &rc_s), 0);
  EXPECT_EQ(a.socket(kAF_INET, kSOCK_DGRAM, 0, &tx), 0);
  EXPECT_EQ(rb_s->bind(ep(Ip4{}, 1)), 0);
  EXPECT_EQ(rc_s->bind(ep(Ip4{}, 1)), 0);
  Endpoint tb = ep(ip4(10, 0, 0, 2), 1), tc = ep(ip4(10, 1, 5, 5), 1);
  EXPECT_EQ(send_bytes(tx, "b", 1, now, &tb), 1);
  EXPECT_EQ(send_bytes(tx, "c", 1, now, &tc), 1);
  char buf[2];
  Endpoint from;
  long gb = -1, gc = -1;
  for (int i = 0; i < 100 && (gb < 0 || gc < 0); i++) {
    now += kMs;
    a.poll(now);
    b.poll(now);
    c.poll(now);
    if (gb < 0) gb = recv_bytes(rb_s, buf, 2, now, &from);
    if (gb == 1) {
      EXPECT_EQ(from.addr.a4, ip4(10, 0, 0, 1));
    }
    if (gc < 0) gc = recv_bytes(rc_s, buf, 2, now, &from);
    if (gc == 1) {
      EXPECT_EQ(from.addr.a4, ip4(10, 1, 0, 1));
      gc = 2;
    }
  }
  EXPECT_EQ(gb, 1);
  EXPECT_EQ(gc, 2);
  rb_s->close(now);
  rc_s->close(now);
  tx->close(now);
}

TEST(NetReassembly, UnitLimits) {
  Reassembly r;
  uint8_t d[64] = {};
  EXPECT_EQ(r.add(IpAddr::of(kA), IpAddr::of(kB), 1, 17, 0, true, d, 8, 65515, 0), nullptr);
  Packet* p = r.add(IpAddr::of(kA), IpAddr::of(kB), 1, 17, 8, false, d, 3, 65515, 0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->len(), 11u);
  delete p;
  // A second "last" fragment with a different end poisons it.
  EXPECT_EQ(r.add(IpAddr::of(kA), IpAddr::of(kB), 2, 17, 16, false, d, 8, 65515, 0), nullptr);
  EXPECT_EQ(r.add(IpAddr::of(kA), IpAddr::of(kB), 2, 17, 8, false, d, 8, 65515, 0), nullptr);
  EXPECT_EQ(r.in_progress(), 0u);
  // A last fragment ending before fragments already held (found by the
  // fuzzer: the copy ran past the buffer).
  EXPECT_EQ(r.add(IpAddr::of(kA), IpAddr::of(kB), 3, 17, 16, true, d, 8, 65515, 0), nullptr);
  EXPECT_EQ(r.add(IpAddr::of(kA), IpAddr::of(kB), 3, 17, 0, false, d, 8, 65515, 0), nullptr);
  EXPECT_EQ(r.in_progress(), 0u);
  EXPECT_EQ(r.add(IpAddr::of(kA), IpAddr::of(kB), 3, 17, 8, true, d, 8, 65515, 0), nullptr);  // starts afresh
  EXPECT_EQ(r.in_progress(), 1u);
}

}  // namespace
