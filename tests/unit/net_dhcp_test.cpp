// The DHCPv4 client of kernel/net against a fake server on the other stack:
// the DORA exchange, renewal at T1, rebinding at T2, the end of a lease,
// NAKs and malformed replies.
#include <gtest/gtest.h>

#include "net/dhcp_client.h"
#include "net_sim.h"

using namespace nettest;

namespace {

const Ip4 kServer = ip4(10, 0, 0, 2), kOffered = ip4(10, 0, 0, 77);

struct Events {
  std::vector<DhcpEvent> seen;
  DhcpLease last;
  static void cb(void* ctx, DhcpEvent ev, const DhcpLease& l) {
    auto* e = static_cast<Events*>(ctx);
    e->seen.push_back(ev);
    e->last = l;
  }
};

// A DHCP server on stack B, port 67, with knobs to misbehave.
struct FakeServer {
  World& w;
  Socket* s;
  uint32_t lease = 100;
  bool answer_broadcast = true, answer_unicast = true, nak = false, garbage = false;
  int requests = 0, discovers = 0, renewals = 0, releases = 0;

  explicit FakeServer(World& world) : w(world) {
    s = make_socket(*w.b, kSOCK_DGRAM);
    int one = 1;
    EXPECT_EQ(s->set_option(kSOL_SOCKET, kSO_BROADCAST, &one, sizeof one), 0);
    EXPECT_EQ(s->bind(ep(Ip4{}, 67)), 0);
  }
  ~FakeServer() { s->close(w.now); }

  void reply(const std::vector<uint8_t>& req, uint8_t type, bool unicast) {
    std::vector<uint8_t> m(240);
    m[0] = 2;
    m[1] = 1;
    m[2] = 6;
    memcpy(&m[4], &req[4], 4);      // xid
    memcpy(&m[28], &req[28], 16);   // chaddr
    put32(&m[16], kOffered.v);
    put32(&m[236], 0x63825363);
    auto opt = [&](uint8_t code, std::vector<uint8_t> v) {
      m.push_back(code);
      m.push_back(uint8_t(v.size()));
      m.insert(m.end(), v.begin(), v.end());
    };
    auto be = [](uint32_t x) {
      return std::vector<uint8_t>{uint8_t(x >> 24), uint8_t(x >> 16), uint8_t(x >> 8), uint8_t(x)};
    };
    opt(53, {type});
    opt(54, be(kServer.v));
    if (type != 6) {
      opt(1, be(0xffffff00));
      opt(3, be(ip4(10, 0, 0, 254).v));
      auto dns = be(ip4(10, 0, 0, 53).v);
      auto dns2 = be(ip4(9, 9, 9, 9).v);
      dns.insert(dns.end(), dns2.begin(), dns2.end());
      opt(6, dns);
      opt(15, {'e', 'x', 'a', 'm', 'p', 'l', 'e'});
      opt(51, be(lease));
    }
    m.push_back(255);
    if (garbage) {
      m[236] = 0;  // no magic cookie
    }
    Endpoint to = unicast ? ep(kOffered, 68) : ep(ip4(255, 255, 255, 255), 68);
    EXPECT_EQ(send_bytes(s, m.data(), m.size(), w.now, &to), long(m.size()));
  }

  void serve() {
    uint8_t buf[1500];
    Endpoint from;
    long n;
    while ((n = recv_bytes(s, buf, sizeof buf, w.now, &from)) > 0) {
      std::vector<uint8_t> req(buf, buf + n);
      if (n < 244 || req[240] != 53) continue;  // our client puts the type first
      uint8_t type = req[242];
      bool renewing = be32(&req[12]) != 0;
      if (type == 1) {
        discovers++;
        reply(req, 2, false);
      } else if (type == 7) {
        releases++;
        EXPECT_EQ(be32(&req[12]), kOffered.v);  // ciaddr
      } else if (type == 3) {
        requests++;
        if (renewing) renewals++;
        if (renewing && !answer_unicast && !last_was_broadcast) continue;
        if (!answer_broadcast && !renewing) continue;
        reply(req, nak ? 6 : 5, renewing);
      }
    }
  }
  // Renewal requests go to the server unicast, rebinding ones broadcast:
  // the link's tap notes which the client sent last.
  bool last_was_broadcast = false;
};

struct DhcpWorld {
  World w;
  FakeServer server{w};
  Events ev;
  DhcpClient client{w.a.get(), w.ia, &Events::cb, &ev};

  DhcpWorld() {
    w.a->set_ipv4(w.ia, Ip4{}, -1, w.now);
    w.link.tap = [this](int from, std::vector<uint8_t>& f) {
      auto v = parse_ip4_frame(f);
      if (from == 0 && v.ok && v.proto == 17) server.last_was_broadcast = v.dst.broadcast();
      return true;
    };
  }
  bool run(const std::function<bool()>& pred, uint64_t limit) {
    return w.run(
        [&] {
          client.poll(w.now);
          server.serve();
          return pred();
        },
        limit, 500 * kMs);
  }
};

TEST(NetDhcp, DiscoverOfferRequestAck) {
  DhcpWorld d;
  ASSERT_EQ(d.client.start(d.w.now), 0);
  ASSERT_TRUE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 10 * kSec));
  ASSERT_EQ(d.ev.seen.size(), 1u);
  EXPECT_EQ(d.ev.seen[0], DhcpEvent::Bound);
  const DhcpLease& l = d.ev.last;
  EXPECT_EQ(l.addr, kOffered);
  EXPECT_EQ(l.prefix, 24);
  EXPECT_EQ(l.router, ip4(10, 0, 0, 254));
  ASSERT_EQ(l.dns_count, 2u);
  EXPECT_EQ(l.dns[0], ip4(10, 0, 0, 53));
  EXPECT_EQ(l.dns[1], ip4(9, 9, 9, 9));
  EXPECT_STREQ(l.domain, "example");
  EXPECT_EQ(l.t1_s, 50u);
  EXPECT_EQ(l.t2_s, 87u);
  // The interface is configured: B reaches A at the new address.
  EXPECT_EQ(d.w.ia->ip, kOffered);
  EXPECT_EQ(d.w.ia->prefix, 24);
  Socket* u = make_socket(*d.w.b, kSOCK_DGRAM);
  Socket* r = make_socket(*d.w.a, kSOCK_DGRAM);
  EXPECT_EQ(r->bind(ep(Ip4{}, 999)), 0);
  Endpoint to = ep(kOffered, 999);
  EXPECT_EQ(send_bytes(u, "hi", 2, d.w.now, &to), 2);
  char c[4];
  EXPECT_TRUE(d.w.run([&] { return recv_bytes(r, c, 4, d.w.now) == 2; }));
  u->close(d.w.now);
  r->close(d.w.now);
}

TEST(NetDhcp, RenewsAtT1) {
  DhcpWorld d;
  EXPECT_EQ(d.client.start(d.w.now), 0);
  ASSERT_TRUE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 10 * kSec));
  uint64_t bound = d.w.now;
  ASSERT_TRUE(d.run([&] { return d.ev.seen.size() == 2; }, 200 * kSec));
  EXPECT_EQ(d.ev.seen[1], DhcpEvent::Renewed);
  EXPECT_NEAR(double(d.w.now - bound), 50.0 * kSec, 1.0 * kSec);
  EXPECT_EQ(d.server.renewals, 1);
  EXPECT_EQ(d.client.state(), DhcpClient::State::Bound);
}

TEST(NetDhcp, RebindsAtT2WhenServerIgnoresRenewals) {
  DhcpWorld d;
  EXPECT_EQ(d.client.start(d.w.now), 0);
  ASSERT_TRUE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 10 * kSec));
  uint64_t bound = d.w.now;
  d.server.answer_unicast = false;
  ASSERT_TRUE(d.run([&] { return d.ev.seen.size() == 2; }, 200 * kSec));
  EXPECT_EQ(d.ev.seen[1], DhcpEvent::Renewed);
  EXPECT_GE(d.w.now - bound, 87 * kSec);
  EXPECT_LT(d.w.now - bound, 100 * kSec);
  EXPECT_GE(d.server.renewals, 2);  // the ignored unicast one, then the broadcast
}

TEST(NetDhcp, LosesLeaseWhenServerGoesAwayThenRediscovers) {
  DhcpWorld d;
  EXPECT_EQ(d.client.start(d.w.now), 0);
  ASSERT_TRUE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 10 * kSec));
  uint64_t bound = d.w.now;
  d.server.answer_unicast = false;
  d.server.answer_broadcast = false;
  d.server.s->close(d.w.now);  // gone
  d.server.s = make_socket(*d.w.b, kSOCK_DGRAM);
  ASSERT_TRUE(d.run([&] { return d.ev.seen.size() == 2; }, 200 * kSec));
  EXPECT_EQ(d.ev.seen[1], DhcpEvent::Lost);
  EXPECT_NEAR(double(d.w.now - bound), 100.0 * kSec, 1.0 * kSec);
  EXPECT_FALSE(d.w.ia->has_ip4());
  EXPECT_EQ(d.client.state(), DhcpClient::State::Selecting);
}

TEST(NetDhcp, NakRestartsAndGarbageIsIgnored) {
  DhcpWorld d;
  d.server.garbage = true;
  EXPECT_EQ(d.client.start(d.w.now), 0);
  EXPECT_FALSE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 20 * kSec));
  EXPECT_EQ(d.client.state(), DhcpClient::State::Selecting);
  EXPECT_GE(d.server.discovers, 3);  // retransmitted with backoff
  d.server.garbage = false;
  d.server.nak = true;
  EXPECT_FALSE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 20 * kSec));
  EXPECT_GE(d.server.requests, 1);
  d.server.nak = false;
  EXPECT_TRUE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 120 * kSec));
}

TEST(NetDhcp, ReleaseGivesTheLeaseBack) {
  DhcpWorld d;
  EXPECT_EQ(d.client.start(d.w.now), 0);
  ASSERT_TRUE(d.run([&] { return d.client.state() == DhcpClient::State::Bound; }, 10 * kSec));
  d.client.release(d.w.now);
  EXPECT_FALSE(d.w.ia->has_ip4());
  EXPECT_EQ(d.client.state(), DhcpClient::State::Stopped);
  ASSERT_TRUE(d.run([&] { return d.server.releases == 1; }, 5 * kSec));
  int before = d.server.discovers + d.server.requests;
  d.run([] { return false; }, 300 * kSec);
  EXPECT_EQ(d.server.discovers + d.server.requests, before);  // stays quiet
}

TEST(NetDhcp, SecondClientOnSamePortIsRefused) {
  DhcpWorld d;
  ASSERT_EQ(d.client.start(d.w.now), 0);
  Events e2;
  DhcpClient other(d.w.a.get(), d.w.ia, &Events::cb, &e2);
  EXPECT_EQ(other.start(d.w.now), -kEADDRINUSE);
}

}  // namespace
