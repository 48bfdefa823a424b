#include "net/dhcp_client.h"

#include "lib/mem.h"
#include "net/bytes.h"
#include "net/socket.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint16_t kServerPort = 67, kClientPort = 68;
constexpr uint8_t kDiscover = 1, kOffer = 2, kRequest = 3, kAck = 5, kNak = 6, kRelease = 7;
constexpr size_t kFixed = 236;  // up to the magic cookie
constexpr uint32_t kMagic = 0x63825363;
constexpr uint64_t kSec = 1'000'000'000ull;

// The options of a message, bounded and validated.
struct Options {
  uint8_t type = 0;
  bool has_mask = false;
  uint32_t mask = 0, lease = 0, t1 = 0, t2 = 0;
  Ip4 server, router;
  Ip4 dns[4];
  size_t dns_count = 0;
  char domain[64] = {};
};

bool parse_options(const uint8_t* o, size_t n, Options* out) {
  size_t i = 0;
  while (i < n) {
    uint8_t code = o[i++];
    if (code == 0) continue;
    if (code == 255) return true;
    if (i >= n) return false;
    size_t len = o[i++];
    if (len > n - i) return false;
    const uint8_t* v = o + i;
    switch (code) {
      case 53:
        if (len == 1) out->type = v[0];
        break;
      case 1:
        if (len == 4) out->has_mask = true, out->mask = be32(v);
        break;
      case 3:
        if (len >= 4) out->router = Ip4{be32(v)};
        break;
      case 6:
        for (size_t k = 0; k + 4 <= len && out->dns_count < 4; k += 4)
          out->dns[out->dns_count++] = Ip4{be32(v + k)};
        break;
      case 15: {
        size_t l = len < sizeof out->domain - 1 ? len : sizeof out->domain - 1;
        memcpy(out->domain, v, l);
        out->domain[l] = 0;
        break;
      }
      case 51:
        if (len == 4) out->lease = be32(v);
        break;
      case 54:
        if (len == 4) out->server = Ip4{be32(v)};
        break;
      case 58:
        if (len == 4) out->t1 = be32(v);
        break;
      case 59:
        if (len == 4) out->t2 = be32(v);
        break;
      default:
        break;
    }
    i += len;
  }
  return true;  // no end option: accept what was there
}

int mask_prefix(uint32_t m) {
  int p = 0;
  while (p < 32 && (m & (0x80000000u >> p))) p++;
  // Reject non-contiguous masks.
  return prefix_mask(p) == m ? p : -1;
}

}  // namespace

DhcpClient::DhcpClient(Stack* st, Interface* ifc, Callback cb, void* ctx)
    : stack_(st), ifc_(ifc), cb_(cb), ctx_(ctx) {}

DhcpClient::~DhcpClient() {
  if (sock_) sock_->close(now_);
}

long DhcpClient::start(uint64_t now_ns) {
  now_ = now_ns;
  if (!sock_) {
    long r = stack_->socket(kAF_INET, kSOCK_DGRAM, 0, &sock_);
    if (r < 0) return r;
    int one = 1;
    (void)sock_->set_option(kSOL_SOCKET, kSO_BROADCAST, &one, sizeof one);  // a UDP socket takes it
    sock_->bind_device(ifc_);
    r = sock_->bind(Endpoint{IpAddr::of(Ip4{}), kClientPort});
    if (r < 0) {
      sock_->close(now_);
      sock_ = nullptr;
      return r;
    }
    sock_->set_wakeup(&DhcpClient::on_readable, this);
  }
  started_ = now_;
  enter(State::Selecting);
  send(kDiscover);
  return 0;
}

void DhcpClient::on_readable(void* ctx, Socket*) {
  // Runs inside the stack: only note it, poll() reads.
  auto* c = static_cast<DhcpClient*>(ctx);
  c->readable_ = true;
  const StackConfig& cfg = c->stack_->config();
  if (cfg.kick) cfg.kick(cfg.kick_ctx);
}

void DhcpClient::enter(State s) {
  state_ = s;
  tries_ = 0;
}

// RFC 2131 §4.1: 4 s, doubling to 64 s, each randomised by ±1 s.
void DhcpClient::schedule_retry() {
  uint64_t d = 4 * kSec << (tries_ < 4 ? tries_ : 4);
  uint8_t r;
  stack_->random(&r, 1);
  d = d - kSec + uint64_t(r) * 2 * kSec / 255;
  tries_++;
  deadline_ = now_ + d;
}

void DhcpClient::send(uint8_t type) {
  uint8_t m[kFixed + 4 + 64] = {};
  m[0] = 1;  // BOOTREQUEST
  m[1] = 1;  // Ethernet
  m[2] = 6;
  if (type == kDiscover && tries_ == 0) stack_->random(&xid_, sizeof xid_);
  put32(m + 4, xid_);
  uint64_t secs = (now_ - started_) / kSec;
  put16(m + 8, uint16_t(secs > 65535 ? 65535 : secs));
  bool renewing = state_ == State::Renewing || state_ == State::Rebinding || type == kRelease;
  if (renewing) put32(m + 12, lease_.addr.v);  // ciaddr
  memcpy(m + 28, ifc_->mac.b, 6);
  put32(m + kFixed, kMagic);
  uint8_t* o = m + kFixed + 4;
  *o++ = 53, *o++ = 1, *o++ = type;
  *o++ = 61, *o++ = 7, *o++ = 1;  // client identifier: the MAC
  memcpy(o, ifc_->mac.b, 6);
  o += 6;
  if (type == kRelease) {
    *o++ = 54, *o++ = 4;
    put32(o, lease_.server.v);
    o += 4;
  }
  if (type == kRequest && state_ == State::Requesting) {
    *o++ = 50, *o++ = 4;
    put32(o, offer_.addr.v);
    o += 4;
    *o++ = 54, *o++ = 4;
    put32(o, offer_.server.v);
    o += 4;
  }
  const uint8_t params[] = {55, 7, 1, 3, 6, 15, 51, 58, 59};
  memcpy(o, params, sizeof params);
  o += sizeof params;
  *o++ = 255;
  size_t len = size_t(o - m);
  Endpoint to{IpAddr::of(Ip4{0xffffffff}), kServerPort};
  if (state_ == State::Renewing || type == kRelease) to.addr = IpAddr::of(lease_.server);
  BufferSource src(m, len);
  (void)sock_->send(src, 0, &to, now_);  // one that cannot leave is retried like a lost one
  schedule_retry();
  if (state_ == State::Renewing || state_ == State::Rebinding) {
    // Retransmit at half the time left to T2 / the end of the lease (at
    // least a minute apart), RFC 2131 §4.4.5.
    uint64_t end = bound_at_ + uint64_t(state_ == State::Renewing ? lease_.t2_s : lease_.lease_s) * kSec;
    uint64_t half = end > now_ ? (end - now_) / 2 : 0;
    if (half < 60 * kSec) half = 60 * kSec;
    deadline_ = now_ + half;
    if (deadline_ > end) deadline_ = end;
  }
}

void DhcpClient::configure() {
  stack_->set_ipv4(ifc_, lease_.addr, lease_.prefix, now_);
  if (!lease_.router.any()) stack_->set_default_gateway(lease_.router, ifc_);
}

void DhcpClient::unconfigure() {
  stack_->set_ipv4(ifc_, Ip4{}, -1, now_);
}

void DhcpClient::receive(const uint8_t* p, size_t len) {
  if (len < kFixed + 4 || p[0] != 2 || be32(p + 4) != xid_ || be32(p + kFixed) != kMagic) return;
  if (memcmp(p + 28, ifc_->mac.b, 6) != 0) return;
  Options o;
  if (!parse_options(p + kFixed + 4, len - kFixed - 4, &o)) return;
  Ip4 yiaddr{be32(p + 16)};
  if (o.type == kOffer && state_ == State::Selecting) {
    if (yiaddr.any() || yiaddr.broadcast() || yiaddr.multicast() || yiaddr.loopback() ||
        o.server.any())
      return;
    offer_ = DhcpLease{};
    offer_.addr = yiaddr;
    offer_.server = o.server;
    enter(State::Requesting);
    send(kRequest);
    return;
  }
  bool waiting = state_ == State::Requesting || state_ == State::Renewing ||
                 state_ == State::Rebinding;
  if (!waiting) return;
  if (o.type == kNak) {
    if (state_ != State::Requesting) {
      unconfigure();
      cb_(ctx_, DhcpEvent::Lost, lease_);
    }
    enter(State::Init);
    deadline_ = now_;  // start over at once
    return;
  }
  if (o.type != kAck || yiaddr.any()) return;
  if (state_ == State::Requesting && yiaddr != offer_.addr) return;
  if (state_ != State::Requesting && yiaddr != lease_.addr) return;
  DhcpLease l;
  l.addr = yiaddr;
  l.server = o.server.any() ? (state_ == State::Requesting ? offer_.server : lease_.server)
                            : o.server;
  int prefix = o.has_mask ? mask_prefix(o.mask) : -1;
  if (prefix < 0 || prefix > 30) {
    // No usable mask: the classful default, as old clients do.
    prefix = (yiaddr.v >> 31) == 0 ? 8 : (yiaddr.v >> 30) == 2 ? 16 : 24;
  }
  l.prefix = prefix;
  l.router = o.router;
  memcpy(l.dns, o.dns, sizeof l.dns);
  l.dns_count = o.dns_count;
  memcpy(l.domain, o.domain, sizeof l.domain);
  l.lease_s = o.lease ? o.lease : 3600;
  if (l.lease_s == 0xffffffff) l.lease_s = 0x7fffffff;  // "infinite": long enough
  l.t1_s = o.t1 && o.t1 < l.lease_s ? o.t1 : l.lease_s / 2;
  l.t2_s = o.t2 && o.t2 < l.lease_s && o.t2 > l.t1_s ? o.t2 : uint32_t(uint64_t(l.lease_s) * 7 / 8);
  if (l.t2_s <= l.t1_s) l.t2_s = l.t1_s + 1;
  bool renewed = state_ != State::Requesting;
  lease_ = l;
  bound_at_ = now_;
  enter(State::Bound);
  deadline_ = now_ + uint64_t(l.t1_s) * kSec;
  configure();
  cb_(ctx_, renewed ? DhcpEvent::Renewed : DhcpEvent::Bound, lease_);
}

void DhcpClient::release(uint64_t now_ns) {
  if (now_ns > now_) now_ = now_ns;
  if (state_ == State::Bound || state_ == State::Renewing || state_ == State::Rebinding) {
    send(kRelease);
    unconfigure();
  }
  enter(State::Stopped);
  deadline_ = UINT64_MAX;
}

void DhcpClient::poll(uint64_t now_ns) {
  if (now_ns > now_) now_ = now_ns;
  if (!sock_) return;
  if (readable_) {
    readable_ = false;
    uint8_t buf[1500];
    for (int i = 0; i < 16; i++) {
      BufferSink dst(buf, sizeof buf);
      Endpoint from;
      long n = sock_->recv(dst, 0, &from, now_);
      if (n < 0) break;
      if (from.port == kServerPort) receive(buf, size_t(n));
    }
  }
  if (now_ < deadline_) return;
  switch (state_) {
    case State::Init:
      (void)start(now_);  // failing (no memory for the socket), it is tried on the next poll
      break;
    case State::Selecting:
      send(kDiscover);
      break;
    case State::Requesting:
      if (tries_ >= 4) {
        (void)start(now_);  // the server went quiet: discover again
      } else {
        send(kRequest);
      }
      break;
    case State::Bound:
      enter(State::Renewing);
      send(kRequest);
      break;
    case State::Renewing:
      if (now_ >= bound_at_ + uint64_t(lease_.t2_s) * kSec) enter(State::Rebinding);
      send(kRequest);
      break;
    case State::Stopped:
      deadline_ = UINT64_MAX;
      break;
    case State::Rebinding:
      if (now_ >= bound_at_ + uint64_t(lease_.lease_s) * kSec) {
        unconfigure();
        cb_(ctx_, DhcpEvent::Lost, lease_);
        (void)start(now_);
      } else {
        send(kRequest);
      }
      break;
  }
}

}  // namespace kiln::net
