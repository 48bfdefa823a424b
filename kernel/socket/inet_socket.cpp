// AF_INET and AF_INET6 sockets: files over the stack's sockets (kernel/net).
// The stack never blocks; this layer waits (wait_for_file) where the
// program asked for blocking calls, woken through the stack's callback, and
// so also keeps what only concerns waiting: SO_RCVTIMEO, SO_SNDTIMEO and
// MSG_WAITALL.
#include "core/clock.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "net/addr.h"
#include "net/socket.h"
#include "net/stack.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/time.h"
#include "socket/network.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

// How long a blocking send sleeps when the stack is out of memory.
constexpr uint64_t kMemoryNapNs = 10'000'000;

// The deadline of a call that may wait `timeout` ns (0: none, for ever).
uint64_t deadline_after(uint64_t timeout) { return timeout ? monotonic_ns() + timeout : 0; }

// Program memory as the stack's byte source and sink.
class UserSource final : public net::ByteSource {
 public:
  explicit UserSource(const Message& m) : cur_{m} { remaining = m.total(); }
  long read(uint8_t* dst, size_t n) override {
    long r = cur_.from_user(dst, n);
    if (r > 0) remaining -= size_t(r);
    return r;
  }

 private:
  IoCursor cur_;
};

class UserSink final : public net::ByteSink {
 public:
  explicit UserSink(const Message& m) : cur_{m} { remaining = m.total(); }
  long write(const uint8_t* src, size_t n) override {
    long r = cur_.to_user(src, n);
    if (r > 0) remaining -= size_t(r);
    return r;
  }

 private:
  IoCursor cur_;
};

class InetSocket final : public Socket {
 public:
  InetSocket(net::Socket* s, int family, int t) : s_(s) {
    domain = family;
    type = t;
    status_flags = kO_RDWR;
    s_->set_wakeup(on_wakeup, this);
  }
  ~InetSocket() override {
    s_->close(monotonic_ns());
    network_kick();
  }

  uint32_t poll_events() override { return s_->events(); }

  long bind(const SockAddr& a) override {
    net::Endpoint ep;
    if (long r = endpoint(a, &ep)) return r;
    return s_->bind(ep);
  }

  long listen(int backlog) override { return s_->listen(backlog); }

  long accept(Socket** out, SockAddr* peer, bool nonblock) override {
    uint64_t until = deadline_after(rcv_timeout_);
    for (;;) {
      net::Socket* ns;
      net::Endpoint ep;
      long r = s_->accept(&ns, &ep);
      if (r == 0) {
        auto f = new InetSocket(ns, domain, type);
        if (!f) {
          ns->close(monotonic_ns());
          return -kENOMEM;
        }
        if (peer) peer->len = net::endpoint_to_sockaddr(ep, domain, peer->bytes, sizeof peer->bytes);
        *out = f;
        return 0;
      }
      if (r != -kEAGAIN || nonblock || nonblocking()) return r;
      long w = wait_for_file(this, kPOLLIN, until);
      if (w <= 0) return w < 0 ? w : -kEAGAIN;
    }
  }

  long connect(const SockAddr& a) override {
    net::Endpoint ep;
    int kind = net::endpoint_from_sockaddr(a.bytes, a.len, &ep);
    if (kind < 0) return kind;
    if (kind == 1) {  // AF_UNSPEC: dissolve the association
      long r = s_->disconnect(monotonic_ns());
      network_kick();
      return r;
    }
    long r = s_->connect(ep, monotonic_ns());
    network_kick();
    if (r != -kEINPROGRESS || nonblocking()) return r;
    // SO_SNDTIMEO bounds the wait; the handshake goes on (Linux says
    // EINPROGRESS too).
    long w = wait_for_file(this, kPOLLOUT, deadline_after(snd_timeout_));
    if (w <= 0) return w < 0 ? w : -kEINPROGRESS;
    int err = 0;
    size_t len = sizeof err;
    (void)s_->get_option(kSOL_SOCKET, kSO_ERROR, &err, &len);  // always answered
    return err ? -err : 0;
  }

  long send(Message& m, int flags) override {
    net::Endpoint to;
    if (m.name && m.name->len)
      if (long r = endpoint(*m.name, &to); r < 0) return r;
    UserSource src(m);
    size_t total = src.remaining, done = 0;
    bool block = !nonblocking() && !(flags & kMSG_DONTWAIT);
    uint64_t until = deadline_after(snd_timeout_);
    for (;;) {
      long r = s_->send(src, flags, m.name && m.name->len ? &to : nullptr, monotonic_ns());
      network_kick();
      if (r > 0) done += size_t(r);
      if (r == -kEPIPE && !(flags & kMSG_NOSIGNAL))
        send_signal(current_thread(), kSIGPIPE, kSI_USER, 1, 0);
      if (r < 0 && r != -kEAGAIN) return done ? long(done) : r;
      if (done == total || type != kSOCK_STREAM) return long(done);
      if (r == -kEAGAIN && !block) return done ? long(done) : -kEAGAIN;
      if ((r == -kEAGAIN || r == 0) && (poll_events() & kPOLLOUT)) {
        // Room in the queue but nothing taken: the stack had no memory for
        // it. Waiting for POLLOUT would return at once, and this loop would
        // spin where nothing preempts it (in the kernel), so the network
        // thread, whose timers free TIME_WAIT connections, would never run
        // again. Sleep a little instead, as Linux waits for memory.
        if (signal_pending()) return done ? long(done) : -kEINTR;
        uint64_t nap = monotonic_ns() + kMemoryNapNs;
        sleep_until(until && until < nap ? until : nap);
        if (until && monotonic_ns() >= until) return done ? long(done) : -kEAGAIN;
      } else if (r == -kEAGAIN || r == 0) {
        long w = wait_for_file(this, kPOLLOUT, until);
        if (w <= 0) return done ? long(done) : w < 0 ? w : -kEAGAIN;
      }
    }
  }

  long recv(Message& m, int flags) override {
    bool block = !nonblocking() && !(flags & kMSG_DONTWAIT);
    // MSG_WAITALL: a stream read goes on until the buffer is full, the
    // stream ends, or an error, timeout or signal stops it (as on Linux).
    bool all = type == kSOCK_STREAM && (flags & kMSG_WAITALL) && !(flags & kMSG_PEEK);
    uint64_t until = deadline_after(rcv_timeout_);
    UserSink dst(m);
    size_t done = 0;
    for (;;) {
      net::Endpoint from;
      int mflags = 0;
      long r = s_->recv(dst, flags, m.name ? &from : nullptr, monotonic_ns(), &mflags);
      network_kick();  // a window update may be due
      if (r >= 0) {
        done += size_t(r);
        m.flags |= mflags;
        if (m.name) m.name->len = net::endpoint_to_sockaddr(from, domain, m.name->bytes, sizeof m.name->bytes);
        if (r == 0 || !all || dst.remaining == 0) return long(done);
        continue;  // more may be queued already
      }
      if (r != -kEAGAIN || !block) return done ? long(done) : r;
      long w = wait_for_file(this, kPOLLIN, until);
      if (w <= 0) return done ? long(done) : w < 0 ? w : -kEAGAIN;
    }
  }

  long shutdown(int how) override {
    long r = s_->shutdown(how, monotonic_ns());
    network_kick();
    return r;
  }

  long local_name(SockAddr* out) override { return name(out, false); }
  long peer_name(SockAddr* out) override { return name(out, true); }

  long set_option(int level, int name, const void* val, size_t len) override {
    if (level == kSOL_SOCKET && (name == kSO_RCVTIMEO || name == kSO_SNDTIMEO))
      return set_timeout(name == kSO_RCVTIMEO ? &rcv_timeout_ : &snd_timeout_, val, len);
    return s_->set_option(level, name, val, len);
  }
  long get_option(int level, int name, void* val, size_t* len) override {
    if (level == kSOL_SOCKET && (name == kSO_RCVTIMEO || name == kSO_SNDTIMEO)) {
      uint64_t t = name == kSO_RCVTIMEO ? rcv_timeout_ : snd_timeout_;
      Timeval tv{int64_t(t / 1'000'000'000), int64_t(t % 1'000'000'000 / 1000)};
      if (*len > sizeof tv) *len = sizeof tv;
      memcpy(val, &tv, *len);
      return 0;
    }
    if (level == 0 && name == -1) {  // FIONREAD
      int32_t n = int32_t(s_->rx_available());
      memcpy(val, &n, sizeof n);
      return 0;
    }
    return s_->get_option(level, name, val, len);
  }

  long stat(Stat* st) override {
    *st = Stat{};
    st->dev = 8;
    st->ino = reinterpret_cast<uint64_t>(s_) >> 4;
    st->nlink = 1;
    st->mode = kS_IFSOCK | 0777;
    st->blksize = 4096;
    return 0;
  }

 private:
  static void on_wakeup(void* ctx, net::Socket*) { static_cast<InetSocket*>(ctx)->notify_watchers(); }

  // Linux's rules: a short option is EINVAL, microseconds out of range EDOM,
  // 0 means no timeout, a negative time fails waits at once.
  static long set_timeout(uint64_t* out, const void* val, size_t len) {
    Timeval tv;
    if (len < sizeof tv) return -kEINVAL;
    memcpy(&tv, val, sizeof tv);
    if (tv.usec < 0 || tv.usec >= 1'000'000) return -kEDOM;
    if (tv.sec < 0)
      *out = 1;
    else if (tv.sec > int64_t(1) << 32)
      *out = 0;  // longer than any program waits: for ever
    else
      *out = uint64_t(tv.sec) * 1'000'000'000 + uint64_t(tv.usec) * 1000;
    return 0;
  }

  long endpoint(const SockAddr& a, net::Endpoint* ep) {
    int r = net::endpoint_from_sockaddr(a.bytes, a.len, ep);
    return r < 0 ? r : 0;
  }

  long name(SockAddr* out, bool peer) {
    net::Endpoint ep;
    long r = peer ? s_->peer_name(&ep) : s_->local_name(&ep);
    if (r < 0) return r;
    out->len = net::endpoint_to_sockaddr(ep, domain, out->bytes, sizeof out->bytes);
    return 0;
  }

  net::Socket* s_;
  uint64_t rcv_timeout_ = 0, snd_timeout_ = 0;  // ns; 0: wait for ever
};

}  // namespace

namespace {

long make_inet_socket(int family, int type, int protocol, Socket** out) {
  net::Stack* stack = network_stack();
  if (!stack) return -kEAFNOSUPPORT;
  net::Socket* s;
  long r = stack->socket(family, type, protocol, &s);
  if (r < 0) return r;
  auto f = new InetSocket(s, family, type);
  if (!f) {
    s->close(monotonic_ns());
    return -kENOMEM;
  }
  *out = f;
  return 0;
}

KILN_SET_ENTRY(socket_families, SocketFamily, g_inet) = {kAF_INET, make_inet_socket,
                                                         interface_ioctl};
KILN_SET_ENTRY(socket_families, SocketFamily, g_inet6) = {kAF_INET6, make_inet_socket, nullptr};

}  // namespace
}  // namespace kiln
