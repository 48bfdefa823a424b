// The interface transmit queue: frames a device refuses because its ring is
// full (virtio-net's 128 slots, until the device completes them) wait in
// order and go out once the ring drains, instead of being lost and left to
// TCP's retransmissions. Found by tests/network/epoll_echo.py, whose 1000
// connections made thousands of such drops.
#include <gtest/gtest.h>

#include <vector>

#include "net_sim.h"

using namespace nettest;

namespace {

const Ip4 kA = ip4(10, 0, 0, 1), kB = ip4(10, 0, 0, 2);

struct UdpPair {
  Socket* tx;
  Socket* rx;
};

// A UDP socket on A and one bound to B:9; ARP already resolved.
UdpPair udp_pair(World& w) {
  UdpPair p{make_socket(*w.a, kSOCK_DGRAM), make_socket(*w.b, kSOCK_DGRAM)};
  EXPECT_EQ(p.rx->bind(ep(Ip4{}, 9)), 0);
  Endpoint to = ep(kB, 9);
  EXPECT_EQ(send_bytes(p.tx, "arp", 3, w.now, &to), 3);
  uint8_t buf[8];
  EXPECT_TRUE(w.run([&] { return recv_bytes(p.rx, buf, sizeof buf, w.now) == 3; }));
  return p;
}

// Sends `n` numbered datagrams in one burst (no poll in between).
void burst(World& w, Socket* tx, uint32_t n) {
  Endpoint to = ep(kB, 9);
  for (uint32_t i = 0; i < n; i++) ASSERT_EQ(send_bytes(tx, &i, sizeof i, w.now, &to), 4);
}

std::vector<uint32_t> receive_all(World& w, Socket* rx) {
  std::vector<uint32_t> got;
  w.run([&] {
    uint32_t v;
    while (recv_bytes(rx, &v, sizeof v, w.now) == 4) got.push_back(v);
    return false;
  }, 1 * kSec);
  return got;
}

}  // namespace

TEST(NetTxQueue, FramesTheRingRefusesGoOutLaterInOrder) {
  World w;
  UdpPair p = udp_pair(w);
  w.link.a().ring = 8;
  burst(w, p.tx, 100);
  std::vector<uint32_t> got = receive_all(w, p.rx);
  EXPECT_GT(w.link.a().refused, 0u);
  ASSERT_EQ(got.size(), 100u);
  for (uint32_t i = 0; i < 100; i++) EXPECT_EQ(got[i], i);
  EXPECT_EQ(w.ia->tx_dropped, 0u);
}

TEST(NetTxQueue, QueueIsBoundedAndCountsWhatItDrops) {
  World w(1, {}, [](StackConfig& c) { c.tx_queue = 50; });
  UdpPair p = udp_pair(w);
  w.link.a().ring = 8;
  burst(w, p.tx, 100);
  std::vector<uint32_t> got = receive_all(w, p.rx);
  ASSERT_EQ(got.size(), 58u);  // the ring's 8, then the queue's 50
  for (uint32_t i = 0; i < 58; i++) EXPECT_EQ(got[i], i);
  EXPECT_EQ(w.ia->tx_dropped, 42u);
}

TEST(NetTxQueue, TcpThroughASmallRingNeedsNoRetransmission) {
  World w;
  w.link.a().ring = 4;
  w.link.b().ring = 4;
  Socket* l = make_socket(*w.b, kSOCK_STREAM);
  ASSERT_EQ(l->bind(ep(Ip4{}, 80)), 0);
  ASSERT_EQ(l->listen(4), 0);
  Socket* c = make_socket(*w.a, kSOCK_STREAM);
  ASSERT_EQ(c->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  Socket* s = nullptr;
  ASSERT_TRUE(w.run([&] { return ((void)l->accept(&s, nullptr), s) && (c->events() & kEPOLLOUT); }));
  std::vector<uint8_t> out(1 << 20), in;
  for (size_t i = 0; i < out.size(); i++) out[i] = uint8_t(i * 13 + i / 4093);
  size_t sent = 0;
  ASSERT_TRUE(w.run([&] {
    while (sent < out.size()) {
      long n = send_bytes(c, out.data() + sent, out.size() - sent, w.now);
      if (n <= 0) break;
      sent += size_t(n);
    }
    uint8_t buf[16384];
    for (long n; (n = recv_bytes(s, buf, sizeof buf, w.now)) > 0;) in.insert(in.end(), buf, buf + n);
    return in.size() == out.size();
  }, 60 * kSec, 5 * kMs));
  EXPECT_TRUE(in == out);
  EXPECT_GT(w.link.a().refused, 0u);
  EXPECT_EQ(w.a->stats.tcp_rexmit, 0u);
  EXPECT_EQ(w.a->stats.tcp_timeouts, 0u);
}

TEST(NetTxQueue, QueuedFramesKeepTheStackDraining) {
  World w;
  UdpPair p = udp_pair(w);
  w.link.a().ring = 8;
  EXPECT_EQ(w.a->draining(), 0u);
  burst(w, p.tx, 20);  // the last datagrams before exit
  EXPECT_EQ(w.a->draining(), 12u);
  w.poll();
  EXPECT_EQ(w.a->draining(), 4u);
  w.poll();
  EXPECT_EQ(w.a->draining(), 0u);
}

TEST(NetTxQueue, DatagramsWaitingForArpKeepTheStackDraining) {
  World w;
  Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
  Socket* rx = make_socket(*w.b, kSOCK_DGRAM);
  ASSERT_EQ(rx->bind(ep(Ip4{}, 9)), 0);
  Endpoint to = ep(kB, 9), nobody = ep(ip4(10, 0, 0, 3), 9);
  ASSERT_EQ(send_bytes(tx, "last", 4, w.now, &to), 4);  // sent just before exit, B not yet resolved
  ASSERT_EQ(send_bytes(tx, "lost", 4, w.now, &nobody), 4);
  EXPECT_EQ(w.a->draining(), 2u);
  uint8_t buf[8];
  EXPECT_TRUE(w.run([&] { return recv_bytes(rx, buf, sizeof buf, w.now) == 4; }));
  EXPECT_EQ(w.a->draining(), 1u);
  // A neighbour that never answers: ARP gives up (3 tries a second apart) and the packet goes.
  EXPECT_TRUE(w.run([&] { return w.a->draining() == 0; }, 10 * kSec));
}

TEST(NetTxQueue, FramesTheDeviceHasNotTakenKeepTheStackDraining) {
  World w;
  udp_pair(w);  // ARP resolved, so nothing waits but what the device holds
  EXPECT_EQ(w.a->draining(), 0u);
  w.link.a().unfinished = 2;  // handed over and kicked, not yet sent by the device
  EXPECT_EQ(w.a->draining(), 2u);
  w.link.a().unfinished = 0;
  EXPECT_EQ(w.a->draining(), 0u);
}
