// TCP of kernel/net between two stacks over a simulated link: handshakes,
// transfers under loss, every state's RST, simultaneous open and close,
// TIME_WAIT, windows, timers and options.
#include <gtest/gtest.h>

#include "net_sim.h"

using namespace nettest;

namespace {

const Ip4 kA = ip4(10, 0, 0, 1), kB = ip4(10, 0, 0, 2);

struct Conn {
  Socket* client = nullptr;  // on A
  Socket* server = nullptr;  // accepted, on B
  Socket* listener = nullptr;
};

Socket* listen_on(Stack& st, uint16_t port, int backlog = 16) {
  Socket* l = make_socket(st, kSOCK_STREAM);
  int one = 1;
  EXPECT_EQ(l->set_option(kSOL_SOCKET, kSO_REUSEADDR, &one, sizeof one), 0);
  EXPECT_EQ(l->bind(ep(Ip4{}, port)), 0);
  EXPECT_EQ(l->listen(backlog), 0);
  return l;
}

Conn connect_pair(World& w, uint16_t port = 80) {
  Conn c;
  c.listener = listen_on(*w.b, port);
  c.client = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(c.client->connect(ep(kB, port), w.now), -kEINPROGRESS);
  EXPECT_EQ(c.client->events() & kEPOLLOUT, 0u);
  EXPECT_TRUE(w.run([&] {
    if (!c.server) (void)c.listener->accept(&c.server, nullptr);
    return c.server && (c.client->events() & kEPOLLOUT);
  }));
  EXPECT_EQ(c.client->tcp_state(), TcpState::Established);
  return c;
}

// Pumps `out` from one socket into the other and collects what arrives.
struct Pump {
  Pump(Socket* f, Socket* t, const std::vector<uint8_t>& o) : from(f), to(t), out(o) {}
  Socket* from;
  Socket* to;
  const std::vector<uint8_t>& out;
  std::vector<uint8_t> in;
  size_t sent = 0;
  bool shut = false, eof = false;
  void step(uint64_t now) {
    while (sent < out.size()) {
      long n = send_bytes(from, out.data() + sent, out.size() - sent, now);
      if (n <= 0) {
        ASSERT_EQ(n, -kEAGAIN);
        break;
      }
      sent += size_t(n);
    }
    if (sent == out.size() && !shut) {
      EXPECT_EQ(from->shutdown(kSHUT_WR, now), 0);
      shut = true;
    }
    uint8_t buf[16384];
    for (;;) {
      long n = recv_bytes(to, buf, sizeof buf, now);
      if (n == 0) {
        eof = true;
        break;
      }
      if (n < 0) {
        ASSERT_EQ(n, -kEAGAIN);
        break;
      }
      in.insert(in.end(), buf, buf + n);
    }
  }
};

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  Rng r(seed);
  for (auto& b : v) b = uint8_t(r.next());
  return v;
}

void close_all(World& w, std::initializer_list<Socket*> socks) {
  for (Socket* s : socks)
    if (s) s->close(w.now);
}

TEST(NetTcp, HandshakeEchoAndOrderlyClose) {
  World w;
  Conn c = connect_pair(w);
  Endpoint e;
  EXPECT_EQ(c.client->peer_name(&e), 0);
  EXPECT_EQ(e, ep(kB, 80));
  EXPECT_EQ(c.server->peer_name(&e), 0);
  EXPECT_EQ(e.addr.a4, kA);
  EXPECT_GE(e.port, 32768);
  EXPECT_EQ(c.client->local_name(&e), 0);
  EXPECT_EQ(e.addr.a4, kA);
  // Options negotiated on both sides.
  for (Socket* s : {c.client, c.server}) {
    EXPECT_TRUE(s->tcb.ts_ok);
    EXPECT_TRUE(s->tcb.sack_ok);
    EXPECT_TRUE(s->tcb.wscale_ok);
    EXPECT_EQ(s->tcb.mss, 1460);
  }
  EXPECT_EQ(send_bytes(c.client, "ping", 4, w.now), 4);
  char buf[16];
  ASSERT_TRUE(w.run([&] { return c.server->events() & kEPOLLIN; }));
  EXPECT_EQ(c.server->rx_available(), 4u);
  EXPECT_EQ(recv_bytes(c.server, buf, sizeof buf, w.now), 4);
  EXPECT_EQ(send_bytes(c.server, "pong", 4, w.now), 4);
  ASSERT_TRUE(w.run([&] { return c.client->events() & kEPOLLIN; }));
  EXPECT_EQ(recv_bytes(c.client, buf, sizeof buf, w.now), 4);
  EXPECT_EQ(memcmp(buf, "pong", 4), 0);
  // The client closes first: FIN_WAIT, then TIME_WAIT; the server sees EOF.
  c.client->close(w.now);
  ASSERT_TRUE(w.run([&] { return c.server->events() & kEPOLLRDHUP; }));
  EXPECT_EQ(recv_bytes(c.server, buf, sizeof buf, w.now), 0);
  EXPECT_EQ(c.server->tcp_state(), TcpState::CloseWait);
  c.server->close(w.now);
  c.listener->close(w.now);
  ASSERT_TRUE(w.run([&] { return w.b->socket_count() == 0; }));
  EXPECT_EQ(w.a->socket_count(), 1u);  // the client's TIME_WAIT
  Socket* tw = w.a->tcp_conns().front();
  ASSERT_NE(tw, nullptr);
  EXPECT_EQ(tw->tcp_state(), TcpState::TimeWait);
  EXPECT_TRUE(w.run([&] { return w.a->socket_count() == 0; }, 2 * w.a->config().msl_ns + kSec));
}

TEST(NetTcp, ConnectToClosedPortIsRefused) {
  World w;
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s->connect(ep(kB, 81), w.now), -kEINPROGRESS);
  EXPECT_EQ(s->connect(ep(kB, 81), w.now), -kEALREADY);
  ASSERT_TRUE(w.run([&] { return s->events() & kEPOLLERR; }));
  EXPECT_EQ(s->events() & (kEPOLLERR | kEPOLLHUP), kEPOLLERR | kEPOLLHUP);
  int err = 0;
  size_t len = sizeof err;
  EXPECT_EQ(s->get_option(kSOL_SOCKET, kSO_ERROR, &err, &len), 0);
  EXPECT_EQ(err, kECONNREFUSED);
  char b;
  EXPECT_EQ(send_bytes(s, "x", 1, w.now), -kEPIPE);
  EXPECT_EQ(recv_bytes(s, &b, 1, w.now), 0);
  s->close(w.now);
  EXPECT_EQ(w.a->socket_count(), 0u);
}

TEST(NetTcp, ConnectToSilentNeighbourIsHostUnreachable) {
  World w;
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s->connect(ep(ip4(10, 0, 0, 99), 80), w.now), -kEINPROGRESS);
  uint64_t t0 = w.now;
  ASSERT_TRUE(w.run([&] { return s->events() & kEPOLLERR; }, 30 * kSec));
  EXPECT_LT(w.now - t0, 5 * kSec);  // ARP's three tries, not TCP's SYN retries
  int err = 0;
  size_t len = sizeof err;
  EXPECT_EQ(s->get_option(kSOL_SOCKET, kSO_ERROR, &err, &len), 0);
  EXPECT_EQ(err, kEHOSTUNREACH);
  s->close(w.now);
}

TEST(NetTcp, ConnectTimesOutWithoutAnswer) {
  World w;
  w.link.tap = [](int from, std::vector<uint8_t>& f) {
    return !(from == 1 && parse_ip4_frame(f).proto == 6);
  };
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  Socket* l = listen_on(*w.b, 80);
  EXPECT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  ASSERT_TRUE(w.run([&] { return s->events() & kEPOLLERR; }, 300 * kSec, 10 * kSec));
  int err = 0;
  size_t len = sizeof err;
  EXPECT_EQ(s->get_option(kSOL_SOCKET, kSO_ERROR, &err, &len), 0);
  EXPECT_EQ(err, kETIMEDOUT);
  close_all(w, {s, l});
}

std::string describe(Socket* s) {
  const Tcb& t = s->tcb;
  char buf[512];
  snprintf(buf, sizeof buf,
           "%s una=%u nxt=%u max=%u wnd=%u cwnd=%u ssth=%u rcv_nxt=%u rcvwnd=%u ooo=%zu "
           "snd=%zu rcv=%zu rexmit=%llu persist=%llu backoff=%u rec=%d fin_q=%d fin_r=%d",
           tcp_state_name(t.state), t.snd_una - t.iss, t.snd_nxt - t.iss, t.snd_max - t.iss,
           t.snd_wnd, t.cwnd, t.ssthresh, t.rcv_nxt - t.irs, s->tcp_rcv_window(), t.ooo_count,
           s->snd_.size(), s->rcv_.size(), (unsigned long long)t.t_rexmit,
           (unsigned long long)t.t_persist, t.backoff, t.in_recovery, t.fin_queued,
           t.fin_received);
  return buf;
}

void bulk_transfer(uint64_t seed, LinkParams p, size_t bytes, size_t tso = 0) {
  World w(seed, p);
  w.link.a().tso = w.link.b().tso = tso;
  Conn c = connect_pair(w);
  auto ab = pattern(bytes, uint32_t(seed));
  auto ba = pattern(bytes, uint32_t(seed + 99));
  Pump up{c.client, c.server, ab}, down{c.server, c.client, ba};
  bool done = w.run(
      [&] {
        up.step(w.now);
        down.step(w.now);
        return up.eof && down.eof;
      },
      600 * kSec, 5 * kMs);
  ASSERT_TRUE(done) << describe(c.client) << "\n" << describe(c.server) << "\nup " << up.sent
                    << "/" << up.in.size() << " down " << down.sent << "/" << down.in.size();
  EXPECT_EQ(up.in.size(), ab.size());
  EXPECT_TRUE(up.in == ab);
  EXPECT_EQ(down.in.size(), ba.size());
  EXPECT_TRUE(down.in == ba);
  close_all(w, {c.client, c.server, c.listener});
  EXPECT_TRUE(w.run([&] { return w.a->socket_count() + w.b->socket_count() == 0; }, 60 * kSec));
  if (tso) {
    EXPECT_GT(w.link.a().tso_frames, 0u);  // large segments were really sent
    EXPECT_GT(w.link.b().tso_frames, 0u);
    EXPECT_EQ(w.link.a().bad_partial + w.link.b().bad_partial, 0u);
  }
}

TEST(NetTcp, BulkBothWaysCleanLink) { bulk_transfer(1, LinkParams{}, 4 << 20); }

// With segmentation offload the windows leave as segments of up to 64 KiB
// that the device cuts: the bytes still arrive exactly, with loss too.
TEST(NetTcp, BulkWithSegmentationOffload) {
  bulk_transfer(3, LinkParams{}, 4 << 20, 65535 + 14);
  LinkParams p;
  p.loss = 0.02;
  p.reorder = 0.03;
  p.delay = 2 * kMs;
  bulk_transfer(5, p, 2 << 20, 16384);
}

TEST(NetTcp, BulkBothWaysUnderLossDuplicationReordering) {
  LinkParams p;
  p.loss = 0.02;
  p.dup = 0.01;
  p.reorder = 0.03;
  p.delay = 2 * kMs;
  bulk_transfer(7, p, 3 << 20);
}

TEST(NetTcp, BulkHeavyLoss) {
  LinkParams p;
  p.loss = 0.10;
  p.reorder = 0.1;
  p.delay = 1 * kMs;
  bulk_transfer(11, p, 1 << 20);
}

// Many seeds, random link conditions, random buffer sizes and options: the
// bytes always arrive exactly.
TEST(NetTcp, RandomisedLinksStayByteExact) {
  for (uint64_t seed = 100; seed < 164; seed++) {
    Rng r(seed);
    LinkParams p;
    p.loss = r.unit() * 0.15;
    p.dup = r.unit() * 0.1;
    p.reorder = r.unit() * 0.2;
    p.delay = 100'000 + r.next() % (20 * kMs);
    p.reorder_extra = 1 + r.next() % (10 * kMs);
    void (*tweak)(StackConfig&) = nullptr;
    if (seed & 1) tweak = [](StackConfig& c) { c.tcp_sack = false; };
    World w(seed, p, tweak);
    Socket* l = make_socket(*w.b, kSOCK_STREAM);
    int sz = int(2048 + r.next() % 200000);
    EXPECT_EQ(l->set_option(kSOL_SOCKET, kSO_RCVBUF, &sz, sizeof sz), 0);
    int nd = int(r.next() & 1);
    EXPECT_EQ(l->set_option(kIPPROTO_TCP, kTCP_NODELAY, &nd, sizeof nd), 0);
    ASSERT_EQ(l->bind(ep(Ip4{}, 80)), 0);
    EXPECT_EQ(l->listen(1), 0);
    Socket* s = make_socket(*w.a, kSOCK_STREAM);
    int ssz = int(2048 + r.next() % 200000);
    EXPECT_EQ(s->set_option(kSOL_SOCKET, kSO_SNDBUF, &ssz, sizeof ssz), 0);
    EXPECT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS);
    Socket* acc = nullptr;
    ASSERT_TRUE(w.run([&] { return l->accept(&acc, nullptr) == 0; }, 120 * kSec)) << seed;
    auto up = pattern(100000 + r.next() % 200000, uint32_t(seed));
    auto down = pattern(r.next() % 100000, uint32_t(seed * 7));
    Pump pu{s, acc, up}, pd{acc, s, down};
    bool ok = w.run(
        [&] {
          pu.step(w.now);
          pd.step(w.now);
          return pu.eof && pd.eof;
        },
        900 * kSec, 5 * kMs);
    ASSERT_TRUE(ok) << "seed " << seed << "\n" << describe(s) << "\n" << describe(acc);
    EXPECT_TRUE(pu.in == up) << seed;
    EXPECT_TRUE(pd.in == down) << seed;
    close_all(w, {s, acc, l});
  }
}

TEST(NetTcp, ResetOnAbortiveCloseInEstablished) {
  World w;
  Conn c = connect_pair(w);
  int lg[2] = {1, 0};
  ASSERT_EQ(c.client->set_option(kSOL_SOCKET, kSO_LINGER, lg, sizeof lg), 0);
  c.client->close(w.now);
  EXPECT_EQ(w.a->socket_count(), 0u);  // no TIME_WAIT after an abort
  ASSERT_TRUE(w.run([&] { return c.server->events() & kEPOLLERR; }));
  EXPECT_EQ(c.server->events() & (kEPOLLHUP | kEPOLLIN | kEPOLLRDHUP),
            kEPOLLHUP | kEPOLLIN | kEPOLLRDHUP);
  char b;
  EXPECT_EQ(recv_bytes(c.server, &b, 1, w.now), -kECONNRESET);
  EXPECT_EQ(send_bytes(c.server, "x", 1, w.now), -kEPIPE);
  close_all(w, {c.server, c.listener});
}

TEST(NetTcp, CloseWithUnreadDataResets) {
  World w;
  Conn c = connect_pair(w);
  send_bytes(c.client, "unread", 6, w.now);
  ASSERT_TRUE(w.run([&] { return c.server->events() & kEPOLLIN; }));
  c.server->close(w.now);
  ASSERT_TRUE(w.run([&] { return c.client->events() & kEPOLLERR; }));
  char b;
  EXPECT_EQ(recv_bytes(c.client, &b, 1, w.now), -kECONNRESET);
  close_all(w, {c.client, c.listener});
}

// Drops every TCP segment from `side` while *on is true.
void drop_tcp_from(World& w, int side, const bool* on) {
  w.link.tap = [side, on](int from, std::vector<uint8_t>& f) {
    return !(*on && from == side && parse_ip4_frame(f).proto == 6);
  };
}

TEST(NetTcp, ResetInSynReceivedReturnsToListen) {
  World w;
  bool drop = false;
  Socket* l = listen_on(*w.b, 80);
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  // A's final ACK is lost: B stays half-open.
  w.link.tap = [&](int from, std::vector<uint8_t>& f) {
    auto v = parse_ip4_frame(f);
    if (from == 0 && v.proto == 6 && (v.payload[13] & 0x3f) == 0x10 && !drop) {
      drop = true;
      return false;
    }
    return true;
  };
  EXPECT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  ASSERT_TRUE(w.run([&] { return drop; }));
  EXPECT_EQ(w.b->socket_count(), 2u);
  int lg[2] = {1, 0};
  EXPECT_EQ(s->set_option(kSOL_SOCKET, kSO_LINGER, lg, sizeof lg), 0);
  s->close(w.now);
  ASSERT_TRUE(w.run([&] { return w.b->socket_count() == 1; }));
  Socket* none = nullptr;
  EXPECT_EQ(l->accept(&none, nullptr), -kEAGAIN);
  // The listener still works.
  Socket* s2 = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s2->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  Socket* acc = nullptr;
  ASSERT_TRUE(w.run([&] { return l->accept(&acc, nullptr) == 0; }));
  close_all(w, {s2, acc, l});
}

TEST(NetTcp, ResetInFinWait1FinWait2CloseWaitAndLastAck) {
  for (TcpState target : {TcpState::FinWait1, TcpState::FinWait2, TcpState::CloseWait,
                          TcpState::LastAck, TcpState::Closing}) {
    World w;
    Conn c = connect_pair(w);
    bool drop = false;
    Socket* victim = c.client;
    Socket* other = c.server;
    switch (target) {
      case TcpState::FinWait1:
        drop_tcp_from(w, 1, &drop);  // B never acknowledges A's FIN
        drop = true;
        EXPECT_EQ(c.client->shutdown(kSHUT_WR, w.now), 0);
        w.run_for(10 * kMs);
        break;
      case TcpState::FinWait2:
        EXPECT_EQ(c.client->shutdown(kSHUT_WR, w.now), 0);
        w.run([&] { return c.client->tcp_state() == TcpState::FinWait2; });
        break;
      case TcpState::CloseWait:
        EXPECT_EQ(c.server->shutdown(kSHUT_WR, w.now), 0);
        w.run([&] { return c.client->tcp_state() == TcpState::CloseWait; });
        break;
      case TcpState::LastAck:
        EXPECT_EQ(c.server->shutdown(kSHUT_WR, w.now), 0);
        w.run([&] { return c.client->tcp_state() == TcpState::CloseWait; });
        drop_tcp_from(w, 1, &drop);
        drop = true;
        EXPECT_EQ(c.client->shutdown(kSHUT_WR, w.now), 0);
        w.run_for(10 * kMs);
        break;
      case TcpState::Closing:
        // Both FINs cross; the ACKs of both are lost.
        w.link.tap = [&](int, std::vector<uint8_t>& f) {
          auto v = parse_ip4_frame(f);
          return !(drop && v.proto == 6 && (v.payload[13] & 0x3f) == 0x10 && v.payload.size() == 32);
        };
        drop = true;
        EXPECT_EQ(c.client->shutdown(kSHUT_WR, w.now), 0);
        EXPECT_EQ(c.server->shutdown(kSHUT_WR, w.now), 0);
        w.run_for(5 * kMs);
        break;
      default:
        break;
    }
    ASSERT_EQ(victim->tcp_state(), target) << tcp_state_name(target);
    drop = false;
    w.link.tap = nullptr;
    // Reset from the other side, with the exact sequence number.
    w.b->tcp_send_reset(other->local_, other->remote_, other->tcb.snd_nxt, 0, false);
    w.run_for(10 * kMs);
    EXPECT_EQ(victim->tcp_state(), TcpState::Closed) << tcp_state_name(target);
    char b;
    long r = recv_bytes(victim, &b, 1, w.now);
    if (target == TcpState::LastAck || target == TcpState::Closing)
      EXPECT_EQ(r, 0) << tcp_state_name(target);
    else
      EXPECT_EQ(r, -kECONNRESET) << tcp_state_name(target);
    close_all(w, {c.client, c.server, c.listener});
  }
}

TEST(NetTcp, ResetInTimeWaitEndsIt) {
  World w;
  Conn c = connect_pair(w);
  Endpoint server = c.server->local_, client = c.client->local_;
  c.client->close(w.now);
  ASSERT_TRUE(w.run([&] { return c.server->events() & kEPOLLRDHUP; }));
  c.server->close(w.now);
  c.listener->close(w.now);
  ASSERT_TRUE(w.run([&] { return w.b->socket_count() == 0; }));
  Socket* tw = w.a->tcp_conns().front();
  ASSERT_NE(tw, nullptr);
  ASSERT_EQ(tw->tcp_state(), TcpState::TimeWait);
  w.b->tcp_send_reset(server, client, tw->tcb.rcv_nxt, 0, false);
  w.run_for(10 * kMs);
  EXPECT_EQ(w.a->socket_count(), 0u);
}

TEST(NetTcp, ResetOutsideWindowIgnoredInsideChallenged) {
  World w;
  Conn c = connect_pair(w);
  w.link.capture = true;
  // Far outside the window: silently ignored.
  w.b->tcp_send_reset(c.server->local_, c.server->remote_, c.server->tcb.snd_nxt + 0x40000000, 0,
                      false);
  w.run_for(10 * kMs);
  EXPECT_EQ(c.client->tcp_state(), TcpState::Established);
  // In the window but not exact: a challenge ACK, the connection lives.
  size_t before = w.link.sent[0].size();
  w.b->tcp_send_reset(c.server->local_, c.server->remote_, c.server->tcb.snd_nxt + 100, 0, false);
  w.run_for(10 * kMs);
  EXPECT_EQ(c.client->tcp_state(), TcpState::Established);
  EXPECT_GT(w.link.sent[0].size(), before);
  // Challenges are rate limited: a flood of in-window RSTs within one
  // second gets at most challenge_acks answers.
  uint64_t out = w.a->stats.tcp_out;
  for (int i = 0; i < 3000; i++)
    w.b->tcp_send_reset(c.server->local_, c.server->remote_, c.server->tcb.snd_nxt + 100, 0, false);
  w.poll();
  w.run_for(5 * kMs);
  EXPECT_LE(w.a->stats.tcp_out - out, w.a->config().challenge_acks);
  EXPECT_EQ(c.client->tcp_state(), TcpState::Established);
  EXPECT_EQ(send_bytes(c.client, "ok", 2, w.now), 2);
  char buf[4];
  ASSERT_TRUE(w.run([&] { return recv_bytes(c.server, buf, 4, w.now) == 2; }));
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, SimultaneousOpen) {
  World w;
  Socket* a = make_socket(*w.a, kSOCK_STREAM);
  Socket* b = make_socket(*w.b, kSOCK_STREAM);
  ASSERT_EQ(a->bind(ep(kA, 5000)), 0);
  ASSERT_EQ(b->bind(ep(kB, 6000)), 0);
  // Resolve ARP first so the SYNs cross on the wire.
  Socket* u = make_socket(*w.a, kSOCK_DGRAM);
  Endpoint d = ep(kB, 9);
  send_bytes(u, "x", 1, w.now, &d);
  w.run_for(10 * kMs);
  EXPECT_EQ(a->connect(ep(kB, 6000), w.now), -kEINPROGRESS);
  EXPECT_EQ(b->connect(ep(kA, 5000), w.now), -kEINPROGRESS);
  ASSERT_TRUE(w.run([&] {
    return a->tcp_state() == TcpState::Established && b->tcp_state() == TcpState::Established;
  }));
  EXPECT_EQ(send_bytes(a, "hi", 2, w.now), 2);
  char buf[4];
  ASSERT_TRUE(w.run([&] { return recv_bytes(b, buf, 4, w.now) == 2; }));
  close_all(w, {a, b, u});
}

TEST(NetTcp, SimultaneousCloseGoesThroughClosing) {
  World w;
  Conn c = connect_pair(w);
  c.client->close(w.now);
  c.server->close(w.now);
  EXPECT_EQ(c.client->tcp_state(), TcpState::FinWait1);
  // Both FINs cross: CLOSING on both sides, then TIME_WAIT, then gone.
  bool saw_closing = false;
  ASSERT_TRUE(w.run([&] {
    for (Stack* st : {w.a.get(), w.b.get()})
      for (Socket* s = st->tcp_conns().front(); s; s = st->tcp_conns().next_of(s))
        if (s->tcp_state() == TcpState::Closing) saw_closing = true;
    return w.a->tcp_conns().front() && w.a->tcp_conns().front()->tcp_state() == TcpState::TimeWait &&
           w.b->tcp_conns().front() && w.b->tcp_conns().front()->tcp_state() == TcpState::TimeWait;
  }));
  EXPECT_TRUE(saw_closing);
  c.listener->close(w.now);
  EXPECT_TRUE(w.run([&] { return w.a->socket_count() + w.b->socket_count() == 0; }, 10 * kSec));
}

TEST(NetTcp, TimeWaitReuseFromBothSides) {
  World w;
  Socket* l = listen_on(*w.b, 80);
  int one = 1;
  for (int round = 0; round < 3; round++) {
    Socket* s = make_socket(*w.a, kSOCK_STREAM);
    EXPECT_EQ(s->set_option(kSOL_SOCKET, kSO_REUSEADDR, &one, sizeof one), 0);
    ASSERT_EQ(s->bind(ep(Ip4{}, 7000)), 0) << round;
    ASSERT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS) << round;
    Socket* acc = nullptr;
    ASSERT_TRUE(w.run([&] {
      if (!acc) (void)l->accept(&acc, nullptr);
      return acc && s->tcp_state() == TcpState::Established;
    })) << round;
    // Round 0 and 2: the client closes first (TIME_WAIT on A); round 1:
    // the server does (TIME_WAIT on B, then A's new SYN hits it).
    Socket* first = round == 1 ? acc : s;
    Socket* second = round == 1 ? s : acc;
    first->close(w.now);
    ASSERT_TRUE(w.run([&] { return second->events() & kEPOLLRDHUP; }));
    second->close(w.now);
    w.run_for(50 * kMs);
  }
  // The listener and the last round's TIME_WAIT: each earlier one was
  // taken over by the next round.
  EXPECT_EQ(w.a->socket_count() + w.b->socket_count(), 2u);
  l->close(w.now);
}

// Past max_time_wait, a closing connection skips TIME_WAIT (Linux's
// tcp_max_tw_buckets): a server closing first cannot fill memory with them.
TEST(NetTcp, TimeWaitIsCapped) {
  World w(1, {}, [](StackConfig& c) { c.max_time_wait = 3; });
  Socket* l = listen_on(*w.b, 80);
  for (int i = 0; i < 8; i++) {
    Socket* s = make_socket(*w.a, kSOCK_STREAM);
    ASSERT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS) << i;
    Socket* acc = nullptr;
    ASSERT_TRUE(w.run([&] {
      if (!acc) (void)l->accept(&acc, nullptr);
      return acc && s->tcp_state() == TcpState::Established;
    })) << i;
    acc->close(w.now);  // the server closes first: TIME_WAIT on B
    ASSERT_TRUE(w.run([&] { return s->events() & kEPOLLRDHUP; })) << i;
    s->close(w.now);
    w.run_for(50 * kMs);
    EXPECT_LE(w.b->time_wait_count(), 3u) << i;
  }
  EXPECT_EQ(w.b->time_wait_count(), 3u);
  EXPECT_EQ(w.b->socket_count(), 1u + 3u);  // the listener and three waiting
  // The ones that wait still end after 2*MSL.
  w.run_for(2 * w.b->config().msl_ns + kSec);
  EXPECT_EQ(w.b->time_wait_count(), 0u);
  EXPECT_EQ(w.b->socket_count(), 1u);
  l->close(w.now);
}

TEST(NetTcp, ZeroWindowProbeAndWindowUpdate) {
  World w;
  Conn c = connect_pair(w);
  int small = 4096;
  // The accepted socket's buffer is already negotiated; shrink the client's
  // view instead: B stops reading, so A's data fills B's 256 KiB window.
  (void)small;
  auto data = pattern(1 << 20, 5);
  size_t sent = 0;
  w.run(
      [&] {
        long n = send_bytes(c.client, data.data() + sent, data.size() - sent, w.now);
        if (n > 0) sent += size_t(n);
        return false;
      },
      5 * kSec);
  EXPECT_EQ(c.client->tcb.snd_wnd, 0u);
  EXPECT_LT(c.server->tcp_rcv_window(), 128u);  // below the scaled window's unit
  EXPECT_LT(sent, data.size());
  EXPECT_EQ(send_bytes(c.client, data.data(), 1, w.now), -kEAGAIN);
  EXPECT_EQ(c.client->events() & kEPOLLOUT, 0u);
  EXPECT_NE(c.client->tcb.t_persist, 0u);
  // Now B reads: window updates reopen the flow, and everything arrives.
  Pump p{c.client, c.server, data};
  p.sent = sent;
  ASSERT_TRUE(w.run(
      [&] {
        p.step(w.now);
        return p.eof;
      },
      60 * kSec, 5 * kMs));
  EXPECT_TRUE(p.in == data);
  close_all(w, {c.client, c.server, c.listener});
}

// Rewrites a captured TCP/IPv4 frame's window and fixes its checksum.
void set_window(std::vector<uint8_t>& f, uint16_t win) {
  uint8_t* ip = &f[14];
  size_t hl = size_t(ip[0] & 15) * 4, len = be16(ip + 2) - hl;
  uint8_t* t = ip + hl;
  put16(t + 14, win);
  put16(t + 16, 0);
  uint8_t ph[12];
  memcpy(ph, ip + 12, 8);
  ph[8] = 0;
  ph[9] = 6;
  put16(ph + 10, uint16_t(len));
  put16(t + 16, csum_fold(csum_add(csum_add(0, ph, 12), t, len)));
}

TEST(NetTcp, WindowClosingWithDataInFlightStillRetransmits) {
  World w;
  Conn c = connect_pair(w);
  bool squeeze = true;
  // The peer loses our data and, at the same time, says its window is shut.
  w.link.tap = [&](int from, std::vector<uint8_t>& f) {
    auto v = parse_ip4_frame(f);
    if (!squeeze || v.proto != 6) return true;
    if (from == 0) return v.payload.size() <= size_t(v.payload[12] >> 4) * 4;
    set_window(f, 0);
    return true;
  };
  auto data = pattern(20000, 7);
  EXPECT_EQ(send_bytes(c.client, data.data(), data.size(), w.now), long(data.size()));
  // Make the peer send something (a window-0 ACK) while data is in flight.
  send_bytes(c.server, "x", 1, w.now);
  w.run_for(3 * kSec);
  EXPECT_NE(c.client->tcb.snd_una, c.client->tcb.snd_max);
  squeeze = false;
  Pump p{c.client, c.server, data};
  p.sent = data.size();
  ASSERT_TRUE(w.run(
      [&] {
        p.step(w.now);
        return p.in.size() == data.size();
      },
      120 * kSec, 10 * kMs));
  EXPECT_TRUE(p.in == data);
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, SmallReceiveBufferSetBeforeListen) {
  World w;
  Socket* l = make_socket(*w.b, kSOCK_STREAM);
  int sz = 2048;
  EXPECT_EQ(l->set_option(kSOL_SOCKET, kSO_RCVBUF, &sz, sizeof sz), 0);
  EXPECT_EQ(l->bind(ep(Ip4{}, 80)), 0);
  EXPECT_EQ(l->listen(4), 0);
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  Socket* acc = nullptr;
  ASSERT_TRUE(w.run([&] { return l->accept(&acc, nullptr) == 0 && s->events() & kEPOLLOUT; }));
  int got = 0;
  size_t len = sizeof got;
  EXPECT_EQ(acc->get_option(kSOL_SOCKET, kSO_RCVBUF, &got, &len), 0);
  EXPECT_EQ(got, 4096);
  auto data = pattern(200000, 9);
  Pump p{s, acc, data};
  ASSERT_TRUE(w.run(
      [&] {
        p.step(w.now);
        return p.eof;
      },
      60 * kSec, 5 * kMs));
  EXPECT_TRUE(p.in == data);
  close_all(w, {s, acc, l});
}

TEST(NetTcp, ListenBacklogFullDelaysButDoesNotLoseConnections) {
  World w;
  Socket* l = listen_on(*w.b, 80, 1);
  std::vector<Socket*> cl;
  for (int i = 0; i < 3; i++) {
    cl.push_back(make_socket(*w.a, kSOCK_STREAM));
    EXPECT_EQ(cl.back()->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  }
  w.run_for(500 * kMs);
  EXPECT_EQ(l->accept_q_.size(), 1u);  // the others wait, half-open
  std::vector<Socket*> acc;
  ASSERT_TRUE(w.run(
      [&] {
        Socket* x;
        while (l->accept(&x, nullptr) == 0) acc.push_back(x);
        return acc.size() == 3;
      },
      30 * kSec));
  for (Socket* s : cl) EXPECT_EQ(s->tcp_state(), TcpState::Established);
  for (Socket* s : cl) s->close(w.now);
  for (Socket* s : acc) s->close(w.now);
  l->close(w.now);
}

TEST(NetTcp, ClosingListenerResetsQueuedConnections) {
  World w;
  Socket* l = listen_on(*w.b, 80);
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  ASSERT_TRUE(w.run([&] { return s->tcp_state() == TcpState::Established; }));
  w.run_for(10 * kMs);
  l->close(w.now);
  EXPECT_EQ(w.b->socket_count(), 0u);
  ASSERT_TRUE(w.run([&] { return s->events() & kEPOLLERR; }));
  s->close(w.now);
}

TEST(NetTcp, BindAndListenConflicts) {
  World w;
  Socket* l = listen_on(*w.b, 80);
  Socket* x = make_socket(*w.b, kSOCK_STREAM);
  EXPECT_EQ(x->bind(ep(Ip4{}, 80)), -kEADDRINUSE);
  int one = 1;
  EXPECT_EQ(x->set_option(kSOL_SOCKET, kSO_REUSEADDR, &one, sizeof one), 0);
  EXPECT_EQ(x->bind(ep(Ip4{}, 80)), -kEADDRINUSE);  // a listener holds it
  Socket* r1 = make_socket(*w.b, kSOCK_STREAM);
  Socket* r2 = make_socket(*w.b, kSOCK_STREAM);
  EXPECT_EQ(r1->set_option(kSOL_SOCKET, kSO_REUSEPORT, &one, sizeof one), 0);
  EXPECT_EQ(r2->set_option(kSOL_SOCKET, kSO_REUSEPORT, &one, sizeof one), 0);
  EXPECT_EQ(r1->bind(ep(Ip4{}, 8080)), 0);
  EXPECT_EQ(r2->bind(ep(Ip4{}, 8080)), 0);
  EXPECT_EQ(r1->listen(8), 0);
  EXPECT_EQ(r2->listen(8), 0);
  // Connections spread over both listeners.
  std::vector<Socket*> cl;
  for (int i = 0; i < 16; i++) {
    cl.push_back(make_socket(*w.a, kSOCK_STREAM));
    EXPECT_EQ(cl.back()->connect(ep(kB, 8080), w.now), -kEINPROGRESS);
  }
  int n1 = 0, n2 = 0;
  std::vector<Socket*> acc;
  ASSERT_TRUE(w.run([&] {
    Socket* x2;
    while (r1->accept(&x2, nullptr) == 0) n1++, acc.push_back(x2);
    while (r2->accept(&x2, nullptr) == 0) n2++, acc.push_back(x2);
    return n1 + n2 == 16;
  }));
  EXPECT_GT(n1, 0);
  EXPECT_GT(n2, 0);
  Socket* y = make_socket(*w.b, kSOCK_STREAM);
  EXPECT_EQ(y->listen(1), 0);  // autobinds an ephemeral port
  Endpoint e;
  EXPECT_EQ(y->local_name(&e), 0);
  EXPECT_GE(e.port, 32768);
  for (Socket* s : cl) s->close(w.now);
  for (Socket* s : acc) s->close(w.now);
  close_all(w, {l, x, r1, r2, y});
}

int count_data_segments(World& w, int side) {
  int n = 0;
  for (auto& f : w.link.sent[side]) {
    auto v = parse_ip4_frame(f);
    if (v.ok && v.proto == 6 && v.payload.size() > size_t(v.payload[12] >> 4) * 4) n++;
  }
  return n;
}

TEST(NetTcp, NagleCoalescesUnlessNoDelay) {
  for (bool nodelay : {false, true}) {
    World w;
    Conn c = connect_pair(w);
    int v = nodelay;
    EXPECT_EQ(c.client->set_option(kIPPROTO_TCP, kTCP_NODELAY, &v, sizeof v), 0);
    w.link.capture = true;
    for (int i = 0; i < 10; i++) EXPECT_EQ(send_bytes(c.client, "0123456789", 10, w.now), 10);
    std::vector<uint8_t> got(100);
    Pump p{c.client, c.server, got};
    p.sent = 100;
    p.shut = true;
    w.run([&] {
      p.step(w.now);
      return p.in.size() == 100;
    });
    int segs = count_data_segments(w, 0);
    if (nodelay)
      EXPECT_EQ(segs, 10);
    else
      EXPECT_EQ(segs, 2);  // the first, then the rest once it is acknowledged
    close_all(w, {c.client, c.server, c.listener});
  }
}

TEST(NetTcp, DelayedAckWaitsForTimerOrSecondSegment) {
  World w;
  Conn c = connect_pair(w);
  w.link.capture = true;
  uint64_t t0 = w.now;
  send_bytes(c.client, "a", 1, w.now);
  ASSERT_TRUE(w.run([&] { return c.client->tcb.snd_una == c.client->tcb.snd_max; }));
  EXPECT_GE(w.now - t0, w.b->config().delack_ns);
  EXPECT_LT(w.now - t0, w.b->config().delack_ns + 10 * kMs);
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, ReceiverReportsSackBlocks) {
  World w;
  Conn c = connect_pair(w);
  int one = 1;
  EXPECT_EQ(c.client->set_option(kIPPROTO_TCP, kTCP_NODELAY, &one, sizeof one), 0);
  int n = 0;
  w.link.capture = true;
  w.link.tap = [&](int from, std::vector<uint8_t>& f) {
    auto v = parse_ip4_frame(f);
    if (from == 0 && v.proto == 6 && v.payload.size() > 32) return ++n != 2;  // lose the 2nd
    return true;
  };
  auto data = pattern(1448 * 4, 3);
  EXPECT_EQ(send_bytes(c.client, data.data(), data.size(), w.now), long(data.size()));
  std::vector<uint8_t> got;
  Pump p{c.client, c.server, data};
  p.sent = data.size();
  p.shut = true;
  ASSERT_TRUE(w.run([&] {
    p.step(w.now);
    return p.in.size() == data.size();
  }));
  EXPECT_TRUE(p.in == data);
  bool sack = false;
  for (auto& f : w.link.sent[1]) {
    auto v = parse_ip4_frame(f);
    if (!v.ok || v.proto != 6) continue;
    size_t doff = size_t(v.payload[12] >> 4) * 4;
    for (size_t i = 20; i + 1 < doff;) {
      if (v.payload[i] == 1) { i++; continue; }
      if (v.payload[i] == 5) sack = true;
      if (v.payload[i] == 0 || v.payload[i + 1] < 2) break;
      i += v.payload[i + 1];
    }
  }
  EXPECT_TRUE(sack);
  EXPECT_GT(w.a->stats.tcp_rexmit, 0u);
  close_all(w, {c.client, c.server, c.listener});
}

// Three segments of one window lost: with SACK the sender resends every
// hole within about one round trip; NewReno alone needs one per round trip.
uint64_t recovery_time(bool sack) {
  LinkParams p;
  p.delay = 20 * kMs;
  void (*no_sack)(StackConfig&) = [](StackConfig& c) { c.tcp_sack = false; };
  World w(4, p, sack ? nullptr : no_sack);
  Conn c = connect_pair(w);
  EXPECT_EQ(c.client->tcb.sack_ok, sack);
  int one = 1;
  EXPECT_EQ(c.client->set_option(kIPPROTO_TCP, kTCP_NODELAY, &one, sizeof one), 0);
  // Open the congestion window first.
  auto warm = pattern(200000, 1);
  Pump pw{c.client, c.server, warm};
  pw.shut = true;
  EXPECT_TRUE(w.run([&] {
    pw.step(w.now);
    return pw.in.size() == warm.size();
  }, 60 * kSec, 5 * kMs));
  int n = 0;
  w.link.tap = [&](int from, std::vector<uint8_t>& f) {
    auto v = parse_ip4_frame(f);
    if (from == 0 && v.proto == 6 && v.payload.size() > 100) {
      n++;
      return n != 3 && n != 6 && n != 9;
    }
    return true;
  };
  auto data = pattern(30 * 1448, 2);
  Pump p2{c.client, c.server, data};
  p2.shut = true;
  uint64_t t0 = w.now;
  EXPECT_TRUE(w.run([&] {
    p2.step(w.now);
    return p2.in.size() == data.size();
  }, 60 * kSec, 1 * kMs));
  EXPECT_TRUE(p2.in == data);
  EXPECT_EQ(w.a->stats.tcp_timeouts, 0u);
  uint64_t t = w.now - t0;
  close_all(w, {c.client, c.server, c.listener});
  return t;
}

TEST(NetTcp, SackRecoversSeveralLossesInOneRoundTrip) {
  uint64_t with = recovery_time(true), without = recovery_time(false);
  EXPECT_LT(with, without);
  EXPECT_LT(with, 4 * 40 * kMs);  // a few round trips at most
}

TEST(NetTcp, KeepaliveDetectsDeadPeer) {
  World w;
  Conn c = connect_pair(w);
  int one = 1, idle = 10, intvl = 2, cnt = 3;
  EXPECT_EQ(c.client->set_option(kIPPROTO_TCP, kTCP_KEEPIDLE, &idle, sizeof idle), 0);
  EXPECT_EQ(c.client->set_option(kIPPROTO_TCP, kTCP_KEEPINTVL, &intvl, sizeof intvl), 0);
  EXPECT_EQ(c.client->set_option(kIPPROTO_TCP, kTCP_KEEPCNT, &cnt, sizeof cnt), 0);
  EXPECT_EQ(c.client->set_option(kSOL_SOCKET, kSO_KEEPALIVE, &one, sizeof one), 0);
  // A live peer answers the probes: still established after a minute.
  w.run_for(60 * kSec);
  EXPECT_EQ(c.client->tcp_state(), TcpState::Established);
  // Then the peer goes silent.
  bool drop = true;
  drop_tcp_from(w, 1, &drop);
  uint64_t t0 = w.now;
  ASSERT_TRUE(w.run([&] { return c.client->events() & kEPOLLERR; }, 60 * kSec));
  EXPECT_LE(w.now - t0, uint64_t(idle + intvl * cnt + 1) * kSec);
  char b;
  EXPECT_EQ(recv_bytes(c.client, &b, 1, w.now), -kETIMEDOUT);
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, RetransmissionGivesUpWithTimeout) {
  World w;
  Conn c = connect_pair(w);
  bool drop = true;
  drop_tcp_from(w, 1, &drop);
  send_bytes(c.client, "lost", 4, w.now);
  ASSERT_TRUE(w.run([&] { return c.client->events() & kEPOLLERR; }, 3600 * kSec, 10 * kSec));
  char b;
  EXPECT_EQ(recv_bytes(c.client, &b, 1, w.now), -kETIMEDOUT);
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, RtoFollowsMeasuredRtt) {
  LinkParams p;
  p.delay = 20 * kMs;
  World w(2, p);
  Conn c = connect_pair(w);
  auto data = pattern(100000, 1);
  Pump pump{c.client, c.server, data};
  ASSERT_TRUE(w.run([&] {
    pump.step(w.now);
    return pump.eof;
  }, 60 * kSec, 5 * kMs));
  // RTT 40 ms: SRTT near it, RTO at the 200 ms floor.
  EXPECT_NEAR(double(c.client->tcb.srtt), double(40 * kMs), double(15 * kMs));
  EXPECT_EQ(c.client->tcb.rto, w.a->config().rto_min_ns);
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, DrainingCountsUntilLastBytesAndFinAreAcknowledged) {
  LinkParams p;
  p.delay = 10 * kMs;
  World w(6, p);
  Conn c = connect_pair(w);
  auto data = pattern(100000, 4);
  EXPECT_EQ(send_bytes(c.client, data.data(), data.size(), w.now), long(data.size()));
  c.client->close(w.now);  // the program exits right after writing
  EXPECT_EQ(w.a->draining(), 1u);
  std::vector<uint8_t> got;
  uint8_t buf[8192];
  ASSERT_TRUE(w.run([&] {
    long n;
    while ((n = recv_bytes(c.server, buf, sizeof buf, w.now)) > 0) got.insert(got.end(), buf, buf + n);
    return w.a->draining() == 0;
  }));
  EXPECT_EQ(got.size() + c.server->rx_available(), data.size());
  close_all(w, {c.server, c.listener});
}

TEST(NetTcp, ThousandConcurrentConnectionsEcho) {
  World w;
  Socket* l = listen_on(*w.b, 7, 1024);
  const int n = 1000;
  std::vector<Socket*> cl(n), sv;
  for (int i = 0; i < n; i++) {
    cl[i] = make_socket(*w.a, kSOCK_STREAM);
    ASSERT_EQ(cl[i]->connect(ep(kB, 7), w.now), -kEINPROGRESS);
  }
  std::vector<int> state(n, 0);  // 0 connecting, 1 sent, 2 echoed
  int done = 0;
  char buf[64];
  ASSERT_TRUE(w.run(
      [&] {
        Socket* x;
        while (l->accept(&x, nullptr) == 0) sv.push_back(x);
        for (Socket* s : sv) {  // the echo server
          long r = recv_bytes(s, buf, sizeof buf, w.now);
          if (r > 0) send_bytes(s, buf, size_t(r), w.now);
        }
        for (int i = 0; i < n; i++) {
          if (state[i] == 0 && (cl[i]->events() & kEPOLLOUT)) {
            snprintf(buf, sizeof buf, "conn %d", i);
            EXPECT_GT(send_bytes(cl[i], buf, strlen(buf), w.now), 0);
            state[i] = 1;
          } else if (state[i] == 1 && (cl[i]->events() & kEPOLLIN)) {
            char want[32];
            snprintf(want, sizeof want, "conn %d", i);
            long r = recv_bytes(cl[i], buf, sizeof buf, w.now);
            EXPECT_EQ(std::string(buf, size_t(r > 0 ? r : 0)), want);
            state[i] = 2;
            done++;
          }
        }
        return done == n;
      },
      60 * kSec, 5 * kMs));
  for (Socket* s : cl) s->close(w.now);
  for (Socket* s : sv) s->close(w.now);
  l->close(w.now);
  EXPECT_TRUE(w.run([&] { return w.b->socket_count() == 0; }, 60 * kSec));
}

TEST(NetTcp, HalfCloseKeepsOtherDirection) {
  World w;
  Conn c = connect_pair(w);
  EXPECT_EQ(c.client->shutdown(kSHUT_WR, w.now), 0);
  EXPECT_EQ(send_bytes(c.client, "x", 1, w.now), -kEPIPE);
  char buf[8];
  ASSERT_TRUE(w.run([&] { return recv_bytes(c.server, buf, 8, w.now) == 0; }));
  EXPECT_EQ(send_bytes(c.server, "late", 4, w.now), 4);
  ASSERT_TRUE(w.run([&] { return recv_bytes(c.client, buf, 8, w.now) == 4; }));
  EXPECT_EQ(c.client->tcp_state(), TcpState::FinWait2);
  close_all(w, {c.client, c.server, c.listener});
  EXPECT_TRUE(w.run([&] { return w.a->socket_count() + w.b->socket_count() == 0; }, 10 * kSec));
}

TEST(NetTcp, LoopbackTransfer) {
  World w;
  Socket* l = listen_on(*w.a, 9999);
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s->connect(ep(ip4(127, 0, 0, 1), 9999), w.now), -kEINPROGRESS);
  Socket* acc = nullptr;
  ASSERT_TRUE(w.run([&] { return l->accept(&acc, nullptr) == 0; }));
  auto data = pattern(2 << 20, 8);
  Pump p{s, acc, data};
  ASSERT_TRUE(w.run([&] {
    p.step(w.now);
    return p.eof;
  }, 60 * kSec, 5 * kMs));
  EXPECT_TRUE(p.in == data);
  EXPECT_EQ(w.link.frames, 2u);  // nothing left the stack but the ARP announcements
  close_all(w, {s, acc, l});
}

// A peer offering no options: the SYN-ACK offers none back but the MSS,
// windows stay unscaled, and the MSS falls to 536.
TEST(NetTcp, PeerWithoutOptions) {
  World w;
  w.link.capture = true;
  // The peer is played by hand: A's stack must not answer B's segments.
  bool on = true;
  drop_tcp_from(w, 1, &on);
  Socket* l = listen_on(*w.b, 80);
  auto seg = [&](uint32_t seq, uint32_t ack, uint8_t flags, const std::string& data) {
    std::vector<uint8_t> t(20 + data.size());
    put16(&t[0], 5555);
    put16(&t[2], 80);
    put32(&t[4], seq);
    put32(&t[8], ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put16(&t[14], 8000);
    memcpy(t.data() + 20, data.data(), data.size());
    uint8_t ph[12];
    put32(ph, kA.v);
    put32(ph + 4, kB.v);
    ph[8] = 0;
    ph[9] = 6;
    put16(ph + 10, uint16_t(t.size()));
    put16(&t[16], csum_fold(csum_add(csum_add(0, ph, 12), t.data(), t.size())));
    auto f = eth_frame(w.link.b().mac(), w.link.a().mac(), 0x0800, ip4_packet(kA, kB, 6, t));
    w.b->input(w.ib, f.data(), f.size(), w.now);
  };
  seg(1000, 0, 0x02, "");
  w.run_for(10 * kMs);
  std::vector<uint8_t> synack;
  for (auto& f : w.link.sent[1]) {
    auto v = parse_ip4_frame(f);
    if (v.ok && v.proto == 6 && (v.payload[13] & 0x12) == 0x12) synack = v.payload;
  }
  ASSERT_EQ(synack.size(), 40u);  // 20 + MSS 4 + 16 bytes of NOPs
  EXPECT_EQ(synack[20], 2);
  for (size_t i = 24; i < 40; i++) EXPECT_EQ(synack[i], 1) << i;
  uint32_t isn = be32(&synack[4]);
  seg(1001, isn + 1, 0x10, "");
  Socket* acc = nullptr;
  ASSERT_EQ(l->accept(&acc, nullptr), 0);
  EXPECT_FALSE(acc->tcb.wscale_ok || acc->tcb.ts_ok || acc->tcb.sack_ok);
  EXPECT_EQ(acc->tcb.mss, 536);
  EXPECT_EQ(acc->tcb.snd_wnd, 8000u);
  seg(1001, isn + 1, 0x18, "hello");
  char buf[8];
  EXPECT_EQ(recv_bytes(acc, buf, sizeof buf, w.now), 5);
  close_all(w, {acc, l});
}

// ICMP "fragmentation needed" quoting one of our segments lowers the MSS;
// one quoting a sequence number outside the window is ignored (RFC 5927).
TEST(NetTcp, FragmentationNeededLowersMss) {
  World w;
  Conn c = connect_pair(w);
  auto icmp_about = [&](uint32_t seq, uint16_t mtu) {
    std::vector<uint8_t> tcp(20, 0);
    put16(&tcp[0], c.client->local_.port);
    put16(&tcp[2], 80);
    put32(&tcp[4], seq);
    auto quoted = ip4_packet(kA, kB, 6, tcp);
    std::vector<uint8_t> m = {3, 4, 0, 0, 0, 0, uint8_t(mtu >> 8), uint8_t(mtu)};
    m.insert(m.end(), quoted.begin(), quoted.begin() + 28);
    put16(&m[2], checksum(m.data(), m.size()));
    auto f = eth_frame(w.link.a().mac(), w.link.b().mac(), 0x0800, ip4_packet(kB, kA, 1, m));
    w.a->input(w.ia, f.data(), f.size(), w.now);
  };
  icmp_about(c.client->tcb.snd_una + 100000, 1000);
  EXPECT_EQ(c.client->tcb.mss, 1460);
  icmp_about(c.client->tcb.snd_una, 1000);
  EXPECT_EQ(c.client->tcb.mss, 960);
  icmp_about(c.client->tcb.snd_una, 100);  // below the minimum: ignored
  EXPECT_EQ(c.client->tcb.mss, 960);
  auto data = pattern(50000, 3);
  Pump p{c.client, c.server, data};
  ASSERT_TRUE(w.run([&] {
    p.step(w.now);
    return p.eof;
  }));
  EXPECT_TRUE(p.in == data);
  close_all(w, {c.client, c.server, c.listener});
}

TEST(NetTcp, AcceptedSocketsInheritOptions) {
  World w;
  Socket* l = make_socket(*w.b, kSOCK_STREAM);
  int one = 1;
  EXPECT_EQ(l->set_option(kIPPROTO_TCP, kTCP_NODELAY, &one, sizeof one), 0);
  EXPECT_EQ(l->set_option(kSOL_SOCKET, kSO_KEEPALIVE, &one, sizeof one), 0);
  EXPECT_EQ(l->bind(ep(Ip4{}, 80)), 0);
  EXPECT_EQ(l->listen(4), 0);
  Socket* s = make_socket(*w.a, kSOCK_STREAM);
  EXPECT_EQ(s->connect(ep(kB, 80), w.now), -kEINPROGRESS);
  Socket* acc = nullptr;
  ASSERT_TRUE(w.run([&] { return l->accept(&acc, nullptr) == 0; }));
  int v = 0;
  size_t len = sizeof v;
  EXPECT_EQ(acc->get_option(kIPPROTO_TCP, kTCP_NODELAY, &v, &len), 0);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(acc->get_option(kSOL_SOCKET, kSO_KEEPALIVE, &v, &len), 0);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(acc->get_option(kSOL_SOCKET, 999, &v, &len), -kENOPROTOOPT);
  close_all(w, {s, acc, l});
}

}  // namespace
