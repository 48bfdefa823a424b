// kernel/net with allocations failing now and then: transfers may stall or
// fail, but nothing crashes or leaks (run under ASan to see leaks), and
// once memory is back the stack works again.
#include <gtest/gtest.h>

#include "lib/fallible.h"
#include "net_sim.h"

using namespace nettest;

namespace {

Rng* g_fail_rng = nullptr;
uint32_t g_fail_one_in = 0;
uint64_t g_failures = 0;

bool fail_sometimes() {
  if (!g_fail_rng || g_fail_rng->next() % g_fail_one_in) return false;
  g_failures++;
  return true;
}

struct FailureScope {
  Rng rng;
  FailureScope(uint32_t one_in, uint64_t seed) : rng(seed) {
    g_fail_rng = &rng;
    g_fail_one_in = one_in;
    kiln::alloc_should_fail = fail_sometimes;
  }
  ~FailureScope() {
    kiln::alloc_should_fail = nullptr;
    g_fail_rng = nullptr;
  }
};

const Ip4 kA = ip4(10, 0, 0, 1), kB = ip4(10, 0, 0, 2);

void exercise(World& w) {
  std::vector<Socket*> socks;
  auto sock = [&](Stack& st, int family, int type) -> Socket* {
    Socket* s = nullptr;
    if (st.socket(family, type, 0, &s) == 0) socks.push_back(s);
    return s;
  };
  w.a->enable_ipv6(w.ia, w.now);
  w.b->enable_ipv6(w.ib, w.now);
  // Allocations fail at random here, so any call may: what is checked is
  // that nothing crashes and all memory comes back.
  Socket* l = sock(*w.b, kAF_INET6, kSOCK_STREAM);
  if (l) (void)l->bind(Endpoint{IpAddr::of(Ip6{}), 80}), (void)l->listen(16);
  Socket* u = sock(*w.b, kAF_INET, kSOCK_DGRAM);
  if (u) (void)u->bind(ep(Ip4{}, 53));
  std::vector<Socket*> clients;
  for (int i = 0; i < 8; i++)
    if (Socket* c = sock(*w.a, kAF_INET, kSOCK_STREAM)) {
      (void)c->connect(ep(kB, 80), w.now);
      clients.push_back(c);
    }
  Socket* tx = sock(*w.a, kAF_INET, kSOCK_DGRAM);
  std::vector<uint8_t> big(100000, 7);
  uint8_t buf[4096];
  int round = 0;
  w.run(
      [&] {
        Socket* x;
        while (l && l->accept(&x, nullptr) == 0) socks.push_back(x);
        for (Socket* c : clients) send_bytes(c, big.data(), big.size(), w.now);
        for (Socket* s : socks) recv_bytes(s, buf, sizeof buf, w.now);
        Endpoint to = ep(kB, 53);
        if (tx && round++ % 20 == 0) send_bytes(tx, big.data(), 20000, w.now, &to);  // fragments
        return false;
      },
      5 * kSec, 10 * kMs);
  for (Socket* s : socks) s->close(w.now);
  w.run_for(10 * kSec);
}

TEST(NetOom, FailingAllocationsNeitherCrashNorLeak) {
  for (uint32_t one_in : {2u, 5u, 20u, 200u}) {
    World w(one_in);
    {
      FailureScope f(one_in, one_in * 31);
      exercise(w);
    }
    // Memory is back: a fresh UDP exchange works.
    Socket* rx = make_socket(*w.b, kSOCK_DGRAM);
    Socket* tx = make_socket(*w.a, kSOCK_DGRAM);
    ASSERT_EQ(rx->bind(ep(Ip4{}, 999)), 0);
    Endpoint to = ep(kB, 999);
    char c[4];
    EXPECT_TRUE(w.run([&] {
      send_bytes(tx, "ok", 2, w.now, &to);
      return recv_bytes(rx, c, 4, w.now) == 2;
    }, 10 * kSec)) << one_in;
    rx->close(w.now);
    tx->close(w.now);
  }
  EXPECT_GT(g_failures, 1000u);
}

}  // namespace
