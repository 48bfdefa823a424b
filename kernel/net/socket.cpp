// The family-independent half of the socket API, socket registries, port
// allocation, and options.
#include "net/socket.h"

#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint32_t kDefaultRcvBuf = 256 * 1024, kDefaultSndBuf = 256 * 1024;
constexpr uint32_t kMinBuf = 2048, kMaxBuf = 16 * 1024 * 1024;
constexpr uint16_t kEphemeralLow = 32768, kEphemeralHigh = 60999;

bool addr_overlap(const IpAddr& a, const IpAddr& b) { return a.any() || b.any() || a == b; }

}  // namespace

const char* tcp_state_name(TcpState s) {
  static const char* const names[] = {"CLOSED",     "LISTEN",     "SYN_SENT",  "SYN_RECEIVED",
                                      "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                      "CLOSING",    "LAST_ACK",   "TIME_WAIT"};
  return names[int(s)];
}

Socket::Socket(Stack* st, int family, bool stream)
    : stack_(st), family_(family), stream_(stream), rcvbuf_(kDefaultRcvBuf),
      sndbuf_(kDefaultSndBuf) {
  snd_.set_limit(sndbuf_);
  rcv_.set_limit(rcvbuf_);
}

Socket::~Socket() { drain(rxq_); }

void Socket::wake() {
  if (wakeup_) wakeup_(wakeup_ctx_, this);
}

long Stack::socket(int family, int type, int protocol, Socket** out) {
  if (family != kAF_INET && family != kAF_INET6) return -kEAFNOSUPPORT;
  bool stream;
  if (type == kSOCK_STREAM && (protocol == 0 || protocol == kIPPROTO_TCP))
    stream = true;
  else if (type == kSOCK_DGRAM && (protocol == 0 || protocol == kIPPROTO_UDP))
    stream = false;
  else
    return type == kSOCK_STREAM || type == kSOCK_DGRAM ? -kEPROTONOSUPPORT : -kEINVAL;
  auto* s = new Socket(this, family, stream);
  if (!s) return -kENOMEM;
  sockets_++;
  *out = s;
  return 0;
}

// Unlinks the socket from every registry and frees it.
void Stack::destroy(Socket* s) {
  if (s->tcb.state == TcpState::TimeWait) time_wait_--;
  file(s, nullptr);
  tcp_unhash(s);
  // A listener takes its unaccepted children along.
  while (Socket* c = s->accept_q_.pop_front()) {
    c->in_accept_q_ = false;
    c->listener_ = nullptr;
    c->tcp_abort(0, true);
    destroy(c);
  }
  if (s->listener_) {
    Socket* l = s->listener_;
    if (s->in_accept_q_) l->accept_q_.remove(s);
    else if (l->syn_queued_) l->syn_queued_--;
  }
  // Children still handshaking point at a listener being freed.
  if (s->tcb.state == TcpState::Listen)
    for (Socket* c = tcp_conns_.front(); c;) {
      Socket* n = tcp_conns_.next_of(c);
      if (c->listener_ == s) {
        c->listener_ = nullptr;
        destroy(c);
      }
      c = n;
    }
  sockets_--;
  delete s;
}

void Stack::file(Socket* s, List<Socket, &Socket::link>* registry) {
  if (s->registry_) s->registry_->remove(s);
  s->registry_ = registry;
  if (registry) registry->push_back(s);
}

static uint32_t addr_hash(const IpAddr& a) {
  if (!a.v6) return a.a4.v;
  uint32_t h = 0;
  for (int i = 0; i < 16; i += 4) h = h * 31 + be32(a.a6.b + i);
  return h;
}

static size_t bucket_of(const Endpoint& l, const Endpoint& r) {
  uint32_t a = addr_hash(l.addr), b = addr_hash(r.addr);
  uint32_t h = (a * 31 + b) * 2654435761u ^ (uint32_t(l.port) << 16 | r.port) * 40503u;
  return (h ^ (h >> 16)) % 256;
}

void Stack::tcp_hash(Socket* s) {
  if (!s->hash_node.linked()) tcp_buckets_[bucket_of(s->local_, s->remote_)].push_back(s);
}
void Stack::tcp_unhash(Socket* s) {
  if (s->hash_node.linked()) tcp_buckets_[bucket_of(s->local_, s->remote_)].remove(s);
}

Socket* Stack::tcp_lookup(const Endpoint& local, const Endpoint& remote) {
  auto& b = tcp_buckets_[bucket_of(local, remote)];
  for (Socket* s = b.front(); s; s = b.next_of(s))
    if (s->local_ == local && s->remote_ == remote) return s;
  return nullptr;
}

Socket* Stack::tcp_find_listener(const Endpoint& local, const Endpoint& remote) {
  Socket* best = nullptr;
  size_t group = 0;
  uint32_t h = (addr_hash(remote.addr) * 2654435761u) ^ remote.port;
  for (Socket* s = tcp_listen_.front(); s; s = tcp_listen_.next_of(s)) {
    if (s->local_.port != local.port || !s->accepts(local.addr)) continue;
    bool exact = !s->local_.addr.any();
    if (!best || (exact && best->local_.addr.any())) {
      best = s;
      group = 1;
    } else if (exact == !best->local_.addr.any()) {
      group++;  // SO_REUSEPORT: spread connections by the peer's hash
      if (h % group == 0) best = s;
    }
  }
  return best;
}

// Whether binding `local` conflicts with an existing socket (Linux rules,
// simplified): SO_REUSEPORT on both sides shares; SO_REUSEADDR on both
// sides shares with anything but a listener; a TIME_WAIT or closing
// connection never blocks a SO_REUSEADDR bind.
bool Stack::port_in_use(bool stream, const Endpoint& local, const Socket* self,
                        const Endpoint* remote) {
  auto clash = [&](Socket* s) {
    if (s == self || s->local_.port != local.port) return false;
    if (!addr_overlap(s->local_.addr, local.addr) ||
        families_apart(s->local_.addr, s->v6only_, local.addr, self && self->v6only_))
      return false;
    if (remote && s->connected_ && !(s->remote_ == *remote)) return false;
    if (self && self->reuse_port_ && s->reuse_port_) return false;
    if (self && self->reuse_addr_) {
      if (!stream) return !s->reuse_addr_;
      if (s->tcb.state == TcpState::Listen) return true;
      return !s->reuse_addr_ && s->tcb.state != TcpState::TimeWait &&
             !s->user_closed_ ? true : false;
    }
    return true;
  };
  if (!stream) {
    for (Socket* s = udp_.front(); s; s = udp_.next_of(s))
      if (clash(s)) return true;
    return false;
  }
  List<Socket, &Socket::link>* lists[] = {&tcp_bound_, &tcp_listen_, &tcp_conns_};
  for (auto* l : lists)
    for (Socket* s = l->front(); s; s = l->next_of(s))
      if (clash(s)) return true;
  return false;
}

uint16_t Stack::ephemeral_port(bool stream, const Endpoint& local, const Endpoint* remote) {
  uint16_t start;
  random(&start, sizeof start);
  uint32_t range = kEphemeralHigh - kEphemeralLow + 1;
  for (uint32_t i = 0; i < range; i++) {
    Endpoint e = local;
    e.port = uint16_t(kEphemeralLow + (start + i) % range);
    if (!port_in_use(stream, e, nullptr, remote)) return e.port;
  }
  return 0;
}

long Socket::bind(const Endpoint& ep) {
  if (bound_) return -kEINVAL;
  Endpoint e = ep;
  if (e.addr.v6 && family_ != kAF_INET6) return -kEAFNOSUPPORT;
  if (e.addr.v6 && e.addr.a6.v4_mapped() && v6only_) return -kEADDRNOTAVAIL;
  e.addr = e.addr.unmapped();
  if (!e.addr.any() && !stack_->is_local(e.addr) &&
      !(!stream_ && !e.addr.v6 && stack_->is_broadcast(e.addr.a4)))
    return -kEADDRNOTAVAIL;
  if (e.port == 0) {
    e.port = stack_->ephemeral_port(stream_, e, nullptr);
    if (!e.port) return -kEADDRINUSE;
  } else if (stack_->port_in_use(stream_, e, this, nullptr)) {
    return -kEADDRINUSE;
  }
  local_ = e;
  bound_ = true;
  // What the program chose stays when a UDP association dissolves.
  if (!ep.addr.any()) addr_chosen_ = true;
  if (ep.port) port_chosen_ = true;
  stack_->file(this, stream_ ? &stack_->tcp_bound_ : &stack_->udp_);
  return 0;
}

long Socket::listen(int backlog) {
  if (!stream_) return -kEOPNOTSUPP;
  return tcp_listen(this, backlog);
}

long Socket::accept(Socket** out, Endpoint* peer) {
  if (!stream_) return -kEOPNOTSUPP;
  return tcp_accept(this, out, peer);
}

bool Socket::accepts(const IpAddr& dst) const {
  if (!local_.addr.any()) return local_.addr == dst;
  if (local_.addr.v6) return dst.v6 || !v6only_;
  return !dst.v6;
}

// A peer address as the stack keeps it: mapped IPv4 unmapped, the
// unspecified address meaning ourselves (as on Linux).
static long peer_endpoint(const Socket* s, const Endpoint& in, Endpoint* out) {
  *out = in;
  if (in.addr.v6 && s->family_ != kAF_INET6) return -kEAFNOSUPPORT;
  if (in.addr.v6 && in.addr.a6.v4_mapped() && s->v6only_) return -kENETUNREACH;
  out->addr = in.addr.unmapped();
  if (out->addr.any()) out->addr = out->addr.v6 ? IpAddr::of(ip6_loopback()) : IpAddr::of(ip4(127, 0, 0, 1));
  // A socket bound to one family's address cannot talk to the other.
  if (s->bound_ && !s->local_.addr.any() && s->local_.addr.v6 != out->addr.v6)
    return -kENETUNREACH;
  return 0;
}

long Socket::connect(const Endpoint& ep, uint64_t now_ns) {
  stack_->poll_time(now_ns);
  Endpoint e;
  long r = peer_endpoint(this, ep, &e);
  if (r < 0) return r;
  if (!stream_) {
    if (!bound_) {
      r = bind(any_endpoint());
      if (r < 0) return r;
    }
    // As on Linux, the route's source address becomes the local one, so
    // getsockname tells which address reaches the peer (glibc's
    // getaddrinfo sorts its answers by it).
    if (local_.addr.any()) {
      IpAddr src = stack_->source_for(e.addr);
      if (!src.any()) local_.addr = src;
    }
    remote_ = e;
    connected_ = true;
    return 0;
  }
  r = tcp_connect(this, e);
  stack_->flush();
  return r;
}

long Socket::send(ByteSource& src, int flags, const Endpoint* to, uint64_t now_ns) {
  stack_->poll_time(now_ns);
  long r;
  if (stream_) {
    r = tcp_send(this, src, flags);
  } else {
    Endpoint e;
    if (to) {
      r = peer_endpoint(this, *to, &e);
      if (r < 0) return r;
    }
    r = udp_send(this, src, to ? &e : nullptr);
  }
  stack_->flush();
  return r;
}

long Socket::recv(ByteSink& dst, int flags, Endpoint* from, uint64_t now_ns, int* msg_flags) {
  stack_->poll_time(now_ns);
  long r;
  if (stream_) {
    r = tcp_recv(this, dst, flags);
    if (from && r >= 0) *from = remote_;
  } else {
    r = udp_recv(this, dst, flags, from, msg_flags);
  }
  stack_->flush();
  return r;
}

long Socket::shutdown(int how, uint64_t now_ns) {
  stack_->poll_time(now_ns);
  if (how < kSHUT_RD || how > kSHUT_RDWR) return -kEINVAL;
  long r;
  if (stream_) {
    r = tcp_shutdown(this, how);
  } else {
    if (!connected_) return -kENOTCONN;
    if (how != kSHUT_WR) shut_rd_ = true;
    if (how != kSHUT_RD) shut_wr_ = true;
    wake();
    r = 0;
  }
  stack_->flush();
  return r;
}

long Socket::disconnect(uint64_t now_ns) {
  stack_->poll_time(now_ns);
  if (!stream_) {
    connected_ = false;
    remote_ = Endpoint{};
    // Linux forgets the address connect() picked, and an automatic port.
    if (!addr_chosen_) local_.addr = any_endpoint().addr;
    if (!port_chosen_ && bound_) {
      stack_->file(this, nullptr);
      bound_ = false;
      local_.port = 0;
    }
    return 0;
  }
  if (tcb.state == TcpState::Listen) return -kEINVAL;
  if (tcb.state != TcpState::Closed) tcp_abort(0, true);
  // Back to a fresh, bound socket.
  stack_->tcp_unhash(this);
  tcb = Tcb{};
  reset_ = was_connected_ = shut_rd_ = shut_wr_ = false;
  snd_.consume(snd_.size());
  rcv_.consume(rcv_.size());
  remote_ = Endpoint{};
  stack_->flush();
  return 0;
}

void Socket::close(uint64_t now_ns) {
  stack_->poll_time(now_ns);
  wakeup_ = nullptr;
  user_closed_ = true;
  Stack* st = stack_;
  if (stream_)
    tcp_close(this);  // may keep the socket for FIN and TIME_WAIT
  else
    st->destroy(this);
  st->flush();
}

long Socket::local_name(Endpoint* out) const {
  *out = local_;
  return 0;
}

long Socket::peer_name(Endpoint* out) const {
  if (stream_ ? !(tcb.state >= TcpState::Established || tcb.state == TcpState::SynReceived) ||
                    reset_
              : !connected_)
    return -kENOTCONN;
  *out = remote_;
  return 0;
}

size_t Socket::rx_available() const {
  if (stream_) return rcv_.size();
  return rxq_.front() ? rxq_.front()->len() : 0;
}

size_t Socket::tx_pending() const {
  if (!stream_) return 0;
  size_t n = snd_.size();
  if (tcb.fin_queued && seq_le(tcb.snd_una, tcb.fin_seq)) n++;
  return n;
}

uint32_t Socket::events() const {
  if (stream_) return tcp_events(this);
  uint32_t m = kEPOLLOUT | kEPOLLWRNORM;
  if (!rxq_.empty() || shut_rd_) m |= kEPOLLIN | kEPOLLRDNORM;
  if (error_) m |= kEPOLLERR;
  if (shut_rd_ && shut_wr_) m |= kEPOLLHUP;
  return m;
}

static long get_int(const void* val, size_t len, int* out) {
  if (len < sizeof(int)) return -kEINVAL;
  memcpy(out, val, sizeof(int));
  return 0;
}

static long put_int(void* val, size_t* len, int v) {
  size_t n = *len < sizeof v ? *len : sizeof v;
  memcpy(val, &v, n);
  *len = n;
  return 0;
}

long Socket::set_option(int level, int name, const void* val, size_t len) {
  int v;
  if (level == kSOL_SOCKET) {
    if (name == kSO_LINGER) {
      Linger l;
      if (len < sizeof l) return -kEINVAL;
      memcpy(&l, val, sizeof l);
      linger_on_ = l.onoff != 0;
      linger_s_ = l.linger < 0 ? 0 : l.linger;
      return 0;
    }
    long r = get_int(val, len, &v);
    if (r < 0) return r;
    switch (name) {
      case kSO_REUSEADDR: reuse_addr_ = v; return 0;
      case kSO_REUSEPORT: reuse_port_ = v; return 0;
      case kSO_BROADCAST: broadcast_ = v; return 0;
      case kSO_KEEPALIVE:
        keepalive_ = v;
        if (stream_) tcb.t_keep = 0, tcb.keep_probes = 0;
        if (stream_ && v && tcb.state == TcpState::Established) {
          tcb.t_keep = stack_->now() + uint64_t(keep_idle_s_) * 1'000'000'000ull;
          stack_->note_timer(tcb.t_keep);
        }
        return 0;
      case kSO_RCVBUF:
      case kSO_SNDBUF: {
        // Linux doubles the value for bookkeeping overhead; so do we, so
        // getsockopt shows what programs expect.
        uint64_t b = v < 0 ? 0 : uint64_t(v) * 2;
        if (b < kMinBuf) b = kMinBuf;
        if (b > kMaxBuf) b = kMaxBuf;
        if (name == kSO_RCVBUF) {
          // The window scale is fixed at the handshake: never shrink below
          // what was advertised.
          if (stream_ && tcb.state != TcpState::Closed && tcb.state != TcpState::Listen &&
              b < rcvbuf_)
            return 0;
          rcvbuf_ = uint32_t(b);
          rcv_.set_limit(rcvbuf_);
        } else {
          sndbuf_ = uint32_t(b);
          snd_.set_limit(sndbuf_ > snd_.size() ? sndbuf_ : snd_.size());
          wake();
        }
        return 0;
      }
      default: return -kENOPROTOOPT;
    }
  }
  long r = get_int(val, len, &v);
  if (r < 0) return r;
  if (level == kIPPROTO_TCP && stream_) {
    switch (name) {
      case kTCP_NODELAY:
        nodelay_ = v;
        if (v && tcb.state >= TcpState::Established) {
          tcp_output();
          stack_->flush();
        }
        return 0;
      case kTCP_MAXSEG:
        if (v < 88 || v > 65535) return -kEINVAL;
        user_mss_ = uint16_t(v);
        return 0;
      case kTCP_KEEPIDLE:
        if (v < 1 || v > 32767) return -kEINVAL;
        keep_idle_s_ = uint32_t(v);
        return 0;
      case kTCP_KEEPINTVL:
        if (v < 1 || v > 32767) return -kEINVAL;
        keep_intvl_s_ = uint32_t(v);
        return 0;
      case kTCP_KEEPCNT:
        if (v < 1 || v > 127) return -kEINVAL;
        keep_cnt_ = uint32_t(v);
        return 0;
      default: return -kENOPROTOOPT;
    }
  }
  if (level == kIPPROTO_IP) {
    if (name == kIP_TTL) {
      if (v < -1 || v == 0 || v > 255) return -kEINVAL;
      ttl_ = v < 0 ? 0 : uint8_t(v);
      return 0;
    }
    if (name == kIP_TOS) {
      tos_ = uint8_t(v);
      return 0;
    }
    return -kENOPROTOOPT;
  }
  if (level == kIPPROTO_IPV6 && name == kIPV6_V6ONLY && family_ == kAF_INET6) {
    if (bound_) return -kEINVAL;
    v6only_ = v;
    return 0;
  }
  return -kENOPROTOOPT;
}

long Socket::get_option(int level, int name, void* val, size_t* len) {
  if (level == kSOL_SOCKET) {
    switch (name) {
      case kSO_REUSEADDR: return put_int(val, len, reuse_addr_);
      case kSO_REUSEPORT: return put_int(val, len, reuse_port_);
      case kSO_BROADCAST: return put_int(val, len, broadcast_);
      case kSO_KEEPALIVE: return put_int(val, len, keepalive_);
      case kSO_RCVBUF: return put_int(val, len, int(rcvbuf_));
      case kSO_SNDBUF: return put_int(val, len, int(sndbuf_));
      case kSO_TYPE: return put_int(val, len, type());
      case kSO_DOMAIN: return put_int(val, len, family_);
      case kSO_PROTOCOL: return put_int(val, len, stream_ ? kIPPROTO_TCP : kIPPROTO_UDP);
      case kSO_ACCEPTCONN: return put_int(val, len, tcb.state == TcpState::Listen);
      case kSO_ERROR: {
        int e = error_;
        error_ = 0;
        return put_int(val, len, e);
      }
      case kSO_LINGER: {
        Linger l = {linger_on_, linger_s_};
        size_t n = *len < sizeof l ? *len : sizeof l;
        memcpy(val, &l, n);
        *len = n;
        return 0;
      }
      default: return -kENOPROTOOPT;
    }
  }
  if (level == kIPPROTO_TCP && stream_) {
    switch (name) {
      case kTCP_NODELAY: return put_int(val, len, nodelay_);
      case kTCP_MAXSEG: return put_int(val, len, tcb.state >= TcpState::Established ? tcb.mss
                                                 : user_mss_ ? user_mss_ : 536);
      case kTCP_KEEPIDLE: return put_int(val, len, int(keep_idle_s_));
      case kTCP_KEEPINTVL: return put_int(val, len, int(keep_intvl_s_));
      case kTCP_KEEPCNT: return put_int(val, len, int(keep_cnt_));
      default: return -kENOPROTOOPT;
    }
  }
  if (level == kIPPROTO_IP) {
    if (name == kIP_TTL) return put_int(val, len, ttl_ ? ttl_ : stack_->config().ttl);
    if (name == kIP_TOS) return put_int(val, len, tos_);
    return -kENOPROTOOPT;
  }
  if (level == kIPPROTO_IPV6 && name == kIPV6_V6ONLY && family_ == kAF_INET6)
    return put_int(val, len, v6only_);
  return -kENOPROTOOPT;
}

}  // namespace kiln::net
