// Host-side harness for the network stack: simulated Ethernet links that
// drop, duplicate, reorder and delay frames (seeded, deterministic), a
// shared virtual clock, and a World that runs several stacks until a
// condition holds, jumping straight to the next event.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "net/bytes.h"
#include "net/proto.h"
#include "net/socket.h"
#include "net/stack.h"

namespace nettest {

using namespace kiln::abi;
using namespace kiln::net;

constexpr uint64_t kMs = 1'000'000ull;
constexpr uint64_t kSec = 1'000'000'000ull;

// xorshift64*: the only randomness tests use.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed ? seed : 1) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ull;
  }
  double unit() { return double(next() >> 11) / double(1ull << 53); }
};

struct LinkParams {
  double loss = 0, dup = 0, reorder = 0;
  uint64_t delay = 100'000;          // one-way, ns
  uint64_t reorder_extra = 3 * kMs;  // how late a reordered frame arrives
};

class SimLink;

class SimDevice : public NetDevice {
 public:
  SimDevice(SimLink* l, int side, uint8_t last) : link_(l), side_(side) {
    uint8_t m[6] = {0x02, 0, 0, 0, 0, last};
    memcpy(mac_.b, m, 6);
  }
  bool transmit(const uint8_t* frame, size_t len, uint16_t tso_mss) override;
  void poll() override;
  MacAddr mac() const override { return mac_; }
  uint32_t mtu() const override { return mtu_; }
  size_t tso_max() const override { return tso; }
  void push(const uint8_t* f, size_t n) { deliver(f, n); }
  uint32_t mtu_ = 1500;
  // Segmentation offload as virtio's host does it: frames up to `tso`
  // bytes (0: none) with a tso_mss are cut into segments with their own
  // IP lengths, sequence numbers and checksums; FIN and PSH stay on the
  // last. `bad_partial` counts large segments whose checksum field was not
  // the pseudo-header's sum the stack promises.
  size_t tso = 0;
  uint64_t tso_frames = 0, bad_partial = 0;
  // A transmit ring of `ring` frames (0: unbounded) that empties only at
  // the next poll(), as a virtio ring waits for the device: transmit()
  // refuses frames while it is full, counting them in `refused`.
  size_t ring = 0, ring_used = 0;
  uint64_t refused = 0;
  // What tx_in_flight() reports: frames the "device" has not finished with.
  size_t unfinished = 0;
  size_t tx_in_flight() override { return unfinished; }

 private:
  SimLink* link_;
  int side_;
  MacAddr mac_;
};

class SimLink {
 public:
  SimLink(const uint64_t* clock, uint64_t seed, uint8_t mac_a = 1, uint8_t mac_b = 2)
      : clock_(clock), rng_(seed), a_(this, 0, mac_a), b_(this, 1, mac_b) {}
  SimDevice& a() { return a_; }
  SimDevice& b() { return b_; }
  LinkParams params;
  // Sees every frame sent (side 0: from a); returning false drops it.
  std::function<bool(int from, std::vector<uint8_t>&)> tap;
  std::vector<std::vector<uint8_t>> sent[2];  // every frame, when capture is on
  bool capture = false;
  uint64_t frames = 0, dropped = 0;

  void send(int from, const uint8_t* f, size_t n) {
    std::vector<uint8_t> v(f, f + n);
    frames++;
    if (capture) sent[from].push_back(v);
    if (tap && !tap(from, v)) return;
    if (rng_.unit() < params.loss) {
      dropped++;
      return;
    }
    int copies = rng_.unit() < params.dup ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      uint64_t at = *clock_ + params.delay;
      if (rng_.unit() < params.reorder) at += uint64_t(rng_.unit() * double(params.reorder_extra));
      q_.push_back({std::move(v), at, 1 - from, order_++});
      if (i == 0) v.assign(f, f + n);
    }
  }
  void poll(int side) {
    // Deliver due frames in arrival order; frames sent meanwhile wait.
    std::vector<Item> due;
    for (size_t i = 0; i < q_.size();) {
      if (q_[i].to == side && q_[i].at <= *clock_) {
        due.push_back(std::move(q_[i]));
        q_.erase(q_.begin() + long(i));
      } else {
        i++;
      }
    }
    std::sort(due.begin(), due.end(),
              [](const Item& x, const Item& y) { return x.at != y.at ? x.at < y.at : x.n < y.n; });
    SimDevice& d = side == 0 ? a_ : b_;
    for (auto& it : due) d.push(it.data.data(), it.data.size());
  }
  uint64_t next_event() const {
    uint64_t t = UINT64_MAX;
    for (auto& it : q_) t = std::min(t, it.at);
    return t;
  }
  size_t in_flight() const { return q_.size(); }

 private:
  struct Item {
    std::vector<uint8_t> data;
    uint64_t at;
    int to;
    uint64_t n;
  };
  const uint64_t* clock_;
  Rng rng_;
  SimDevice a_, b_;
  std::vector<Item> q_;
  uint64_t order_ = 0;
};

inline bool SimDevice::transmit(const uint8_t* frame, size_t len, uint16_t tso_mss) {
  if (ring && ring_used == ring) {
    refused++;
    return false;
  }
  ring_used++;
  stats_.tx_frames++;
  if (!tso_mss) {
    link_->send(side_, frame, len);
    return true;
  }
  EXPECT_LE(len, tso);
  tso_frames++;
  bool v6 = be16(frame + 12) == 0x86dd;
  size_t l3 = 14, l4 = l3 + (v6 ? 40 : size_t(frame[l3] & 15) * 4);
  size_t hdrs = l4 + size_t(frame[l4 + 12] >> 4) * 4;
  IpAddr src, dst;
  if (v6) {
    Ip6 s6, d6;
    memcpy(s6.b, frame + l3 + 8, 16);
    memcpy(d6.b, frame + l3 + 24, 16);
    src = IpAddr::of(s6), dst = IpAddr::of(d6);
  } else {
    src = IpAddr::of(Ip4{be32(frame + l3 + 12)}), dst = IpAddr::of(Ip4{be32(frame + l3 + 16)});
  }
  uint16_t promised = uint16_t(~csum_fold(pseudo_sum(src, dst, kIPPROTO_TCP, len - l4)));
  if (be16(frame + l4 + 16) != promised) bad_partial++;
  uint8_t flags = frame[l4 + 13];
  for (size_t off = hdrs; off < len; off += tso_mss) {
    size_t n = std::min<size_t>(tso_mss, len - off);
    std::vector<uint8_t> seg(frame, frame + hdrs);
    seg.insert(seg.end(), frame + off, frame + off + n);
    uint8_t* ip = seg.data() + l3;
    uint8_t* th = seg.data() + l4;
    if (v6) {
      put16(ip + 4, uint16_t(seg.size() - l3 - 40));
    } else {
      put16(ip + 2, uint16_t(seg.size() - l3));
      put16(ip + 10, 0);
      put16(ip + 10, checksum(ip, l4 - l3));
    }
    put32(th + 4, be32(frame + l4 + 4) + uint32_t(off - hdrs));
    bool last = off + n == len;
    th[13] = last ? flags : uint8_t(flags & ~0x09);  // FIN and PSH only on the last
    put16(th + 16, 0);
    size_t tl = seg.size() - l4;
    put16(th + 16, csum_fold(csum_add(pseudo_sum(src, dst, kIPPROTO_TCP, tl), th, tl)));
    link_->send(side_, seg.data(), seg.size());
  }
  return true;
}
inline void SimDevice::poll() {
  ring_used = 0;
  link_->poll(side_);
}

inline void test_random(void* ctx, void* out, size_t n) {
  auto* r = static_cast<Rng*>(ctx);
  auto* p = static_cast<uint8_t*>(out);
  for (size_t i = 0; i < n; i++) p[i] = uint8_t(r->next());
}

inline StackConfig test_config(Rng* rng) {
  StackConfig c;
  c.random = test_random;
  c.random_ctx = rng;
  c.msl_ns = 2 * kSec;  // short TIME_WAIT for tests
  return c;
}

// Two stacks, A (10.0.0.1) and B (10.0.0.2) on one /24 link.
class World {
 public:
  explicit World(uint64_t seed = 1, LinkParams p = {}, void (*tweak)(StackConfig&) = nullptr)
      : rng_a(seed * 3 + 1), rng_b(seed * 7 + 5), link(&now, seed) {
    link.params = p;
    StackConfig ca = test_config(&rng_a), cb = test_config(&rng_b);
    if (tweak) tweak(ca), tweak(cb);
    a = std::make_unique<Stack>(ca);
    b = std::make_unique<Stack>(cb);
    ia = a->add_interface(&link.a(), "eth0");
    ib = b->add_interface(&link.b(), "eth0");
    a->set_ipv4(ia, ip4(10, 0, 0, 1), 24, now);
    b->set_ipv4(ib, ip4(10, 0, 0, 2), 24, now);
  }
  ~World() {
    a.reset();
    b.reset();
  }
  void poll() {
    a->poll(now);
    b->poll(now);
  }
  uint64_t next_event() const {
    return std::min({a->next_deadline(), b->next_deadline(), link.next_event()});
  }
  // Runs until pred() holds or `limit` ns of virtual time pass; returns
  // pred(). Time jumps to the next event, at most `step` at a time.
  bool run(const std::function<bool()>& pred, uint64_t limit = 10 * kSec,
           uint64_t step = 50 * kMs) {
    uint64_t end = now + limit;
    poll();
    while (!pred()) {
      if (now >= end) return false;
      uint64_t t = next_event();
      if (t <= now) t = now + 1;
      if (t > now + step) t = now + step;
      if (t > end) t = end;
      now = t;
      poll();
    }
    return true;
  }
  void run_for(uint64_t d) { run([] { return false; }, d); }

  uint64_t now = 1 * kSec;
  Rng rng_a, rng_b;
  SimLink link;
  std::unique_ptr<Stack> a, b;
  Interface *ia, *ib;
};

inline Endpoint ep(Ip4 a, uint16_t port) { return Endpoint{IpAddr::of(a), port}; }

// Socket helpers over plain buffers.
inline long send_bytes(Socket* s, const void* p, size_t n, uint64_t now,
                       const Endpoint* to = nullptr) {
  BufferSource src(p, n);
  return s->send(src, 0, to, now);
}
inline long recv_bytes(Socket* s, void* p, size_t n, uint64_t now, Endpoint* from = nullptr,
                       int flags = 0, int* mflags = nullptr) {
  BufferSink dst(p, n);
  return s->recv(dst, flags, from, now, mflags);
}

inline Socket* make_socket(Stack& st, int type) {
  Socket* s = nullptr;
  EXPECT_EQ(st.socket(kAF_INET, type, 0, &s), 0);
  return s;
}

}  // namespace nettest

namespace nettest {

// Hand-made frames for tests that speak to a stack directly.
inline std::vector<uint8_t> ip4_packet(Ip4 src, Ip4 dst, uint8_t proto,
                                       const std::vector<uint8_t>& payload, uint16_t id = 1,
                                       uint16_t frag = 0, uint8_t ttl = 64) {
  std::vector<uint8_t> p(20 + payload.size());
  p[0] = 0x45;
  put16(&p[2], uint16_t(p.size()));
  put16(&p[4], id);
  put16(&p[6], frag);
  p[8] = ttl;
  p[9] = proto;
  put32(&p[12], src.v);
  put32(&p[16], dst.v);
  put16(&p[10], checksum(p.data(), 20));
  std::copy(payload.begin(), payload.end(), p.begin() + 20);
  return p;
}

inline std::vector<uint8_t> eth_frame(const MacAddr& dst, const MacAddr& src, uint16_t type,
                                      const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(14 + payload.size());
  memcpy(&f[0], dst.b, 6);
  memcpy(&f[6], src.b, 6);
  put16(&f[12], type);
  std::copy(payload.begin(), payload.end(), f.begin() + 14);
  return f;
}

inline std::vector<uint8_t> udp_datagram(Ip4 src, Ip4 dst, uint16_t sport, uint16_t dport,
                                         const std::vector<uint8_t>& data) {
  std::vector<uint8_t> u(8 + data.size());
  put16(&u[0], sport);
  put16(&u[2], dport);
  put16(&u[4], uint16_t(u.size()));
  std::copy(data.begin(), data.end(), u.begin() + 8);
  uint8_t ph[12];
  put32(ph, src.v);
  put32(ph + 4, dst.v);
  ph[8] = 0;
  ph[9] = 17;
  put16(ph + 10, uint16_t(u.size()));
  uint16_t c = csum_fold(csum_add(csum_add(0, ph, 12), u.data(), u.size()));
  put16(&u[6], c ? c : 0xffff);
  return u;
}

// Parsed view of a captured IPv4 frame (nullopt-ish: ok=false).
struct Ip4View {
  bool ok = false;
  Ip4 src, dst;
  uint8_t proto = 0;
  uint16_t id = 0, frag = 0;
  std::vector<uint8_t> payload;
};
inline Ip4View parse_ip4_frame(const std::vector<uint8_t>& f) {
  Ip4View v;
  if (f.size() < 34 || be16(&f[12]) != 0x0800) return v;
  const uint8_t* p = &f[14];
  size_t hl = size_t(p[0] & 15) * 4, tot = be16(p + 2);
  if (tot > f.size() - 14 || tot < hl) return v;
  v.ok = true;
  v.src = Ip4{be32(p + 12)};
  v.dst = Ip4{be32(p + 16)};
  v.proto = p[9];
  v.id = be16(p + 4);
  v.frag = be16(p + 6);
  v.payload.assign(p + hl, p + tot);
  return v;
}

}  // namespace nettest
