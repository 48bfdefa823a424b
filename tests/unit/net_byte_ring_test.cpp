// ByteRing gives back the storage a burst grew once it empties (keeping
// 4 KiB), but never while out-of-order bytes wait past the readable ones.
// Found by tests/network/epoll_echo.py: 1000 connections that had each
// echoed up to 64 KiB kept their grown buffers while idle, and the guest
// ran out of memory at the default 64 MiB.
#include <gtest/gtest.h>

#include <vector>

#include "net/byte_ring.h"
#include "net_sim.h"

using namespace nettest;

namespace {

std::vector<uint8_t> bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = uint8_t(seed + i * 7);
  return v;
}

long append(ByteRing& r, const std::vector<uint8_t>& v) {
  BufferSource src(v.data(), v.size());
  return r.append(src, v.size());
}

}  // namespace

TEST(NetByteRing, EmptiedRingGivesBackWhatABurstGrew) {
  ByteRing r;
  r.set_limit(256 * 1024);
  ASSERT_EQ(append(r, bytes(65536, 1)), 65536);
  EXPECT_GE(r.capacity(), 65536u);
  r.consume(65535);
  EXPECT_GE(r.capacity(), 65536u);  // one byte still readable
  r.consume(1);
  EXPECT_EQ(r.capacity(), 0u);
  auto again = bytes(3000, 9);
  ASSERT_EQ(append(r, again), 3000);
  std::vector<uint8_t> out(3000);
  r.peek(0, out.data(), out.size());
  EXPECT_EQ(out, again);
}

TEST(NetByteRing, SmallExchangesKeepTheirFourKilobytes) {
  ByteRing r;
  r.set_limit(256 * 1024);
  for (int i = 0; i < 10; i++) {
    ASSERT_EQ(append(r, bytes(100, uint8_t(i))), 100);
    r.consume(100);
    EXPECT_EQ(r.capacity(), 4096u);
  }
}

TEST(NetByteRing, OutOfOrderBytesKeepTheStorage) {
  ByteRing r;
  r.set_limit(256 * 1024);
  auto all = bytes(40000, 3);
  ASSERT_TRUE(r.store(0, all.data(), 1000));
  ASSERT_TRUE(r.store(30000, all.data() + 30000, 10000));  // a hole before it
  r.commit(1000);
  r.consume(1000);  // readable bytes gone, the stored ones must stay
  EXPECT_GE(r.capacity(), 39000u);
  ASSERT_TRUE(r.store(0, all.data() + 1000, 29000));  // the hole fills
  r.commit(39000);
  std::vector<uint8_t> out(39000);
  r.peek(0, out.data(), out.size());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), all.begin() + 1000));
  r.consume(39000);
  EXPECT_EQ(r.capacity(), 0u);
}

TEST(NetByteRing, IdleConnectionsAfterABurstHoldLittle) {
  World w;
  Socket* l = make_socket(*w.b, kSOCK_STREAM);
  ASSERT_EQ(l->bind(ep(Ip4{}, 80)), 0);
  ASSERT_EQ(l->listen(128), 0);
  constexpr int kConns = 100;
  std::vector<Socket*> clients, servers;
  for (int i = 0; i < kConns; i++) {
    clients.push_back(make_socket(*w.a, kSOCK_STREAM));
    ASSERT_EQ(clients.back()->connect(ep(ip4(10, 0, 0, 2), 80), w.now), -kEINPROGRESS);
  }
  ASSERT_TRUE(w.run([&] {
    for (Socket* s = nullptr; l->accept(&s, nullptr) == 0;) servers.push_back(s);
    return servers.size() == kConns;
  }));
  // Each connection carries 64 KiB both ways; everything is read.
  auto data = bytes(65536, 5);
  std::vector<size_t> sent(kConns), got(kConns), back(kConns), got_back(kConns);
  ASSERT_TRUE(w.run([&] {
    bool done = true;
    uint8_t buf[16384];
    for (int i = 0; i < kConns; i++) {
      for (long n; sent[i] < data.size() &&
                   (n = send_bytes(clients[i], data.data() + sent[i], data.size() - sent[i], w.now)) > 0;)
        sent[i] += size_t(n);
      for (long n; (n = recv_bytes(servers[i], buf, sizeof buf, w.now)) > 0;) got[i] += size_t(n);
      for (long n; back[i] < got[i] &&
                   (n = send_bytes(servers[i], data.data() + back[i], got[i] - back[i], w.now)) > 0;)
        back[i] += size_t(n);
      for (long n; (n = recv_bytes(clients[i], buf, sizeof buf, w.now)) > 0;) got_back[i] += size_t(n);
      done = done && got_back[i] == data.size() && servers[i]->tx_pending() == 0;
    }
    return done;
  }, 120 * kSec, 5 * kMs));
  size_t held = 0;
  for (int i = 0; i < kConns; i++) held += servers[i]->rcv_.capacity() + servers[i]->snd_.capacity();
  EXPECT_LE(held, size_t(kConns) * 2 * 4096);
}
