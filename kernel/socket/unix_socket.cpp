// AF_UNIX sockets: stream (a byte ring per direction, a listen queue) and
// datagram (a message queue per socket), named by path or in the abstract
// namespace (a name starting with NUL), plus socketpair.
#include "core/heap.h"
#include "lib/list.h"
#include "core/thread.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "proc/signal.h"
#include "file/path_observer.h"
#include "socket/socket.h"
#include "mm/uaccess.h"
#include "file/vfs.h"

namespace kiln {
namespace {

constexpr size_t kStreamCapacity = 212992;  // Linux's default SO_RCVBUF
constexpr size_t kDgramQueueBytes = 212992;
constexpr size_t kMaxDatagram = 65536;
constexpr int kMaxBacklog = 4096;
// Where sun_path starts: an address no longer than that names nothing.
constexpr size_t kPathAt = __builtin_offsetof(SockaddrUn, path);
uint64_t g_next_ino = 1;

class UnixSocket;
void unlist_bound(UnixSocket* s);

struct Datagram {
  ListNode node;
  SockAddr from;
  size_t len;
  uint8_t* data;
};

class UnixSocket final : public Socket {
 public:
  explicit UnixSocket(int t);
  ~UnixSocket() override;

  long bind(const SockAddr& addr) override;
  long listen(int backlog) override;
  long accept(Socket** out, SockAddr* peer, bool nonblock) override;
  long connect(const SockAddr& addr) override;
  long send(Message& m, int flags) override;
  long recv(Message& m, int flags) override;
  long shutdown(int how) override;
  long local_name(SockAddr* out) override;
  long peer_name(SockAddr* out) override;
  long set_option(int level, int name, const void* val, size_t len) override;
  long get_option(int level, int name, void* val, size_t* len) override;
  uint32_t poll_events() override;
  long stat(Stat* st) override;

  // unlink() of the path this socket is bound to: the name goes, the socket stays.
  bool forget_path(const char* path, size_t n) {
    if (!bound_ || name_.len != n + kPathAt || name_.bytes[kPathAt] == 0 ||
        memcmp(name_.bytes + kPathAt, path, n) != 0)
      return false;
    unlist_bound(this);
    return true;
  }
  // Joins two fresh sockets (socketpair, or connect + accept).
  static bool pair(UnixSocket* a, UnixSocket* b);
  // The kernel's own datagram socket: takes each datagram in the sender's call.
  void (*receive)(const uint8_t* data, size_t len) = nullptr;

  ListNode all_node, bound_node, queue_node;

 private:
  bool stream() const { return type == kSOCK_STREAM; }
  size_t stream_room() const { return peer_ && peer_->ring_ ? kStreamCapacity - peer_->used_ : 0; }
  long wait(uint32_t events, bool nonblock);
  long send_stream(Message& m, int flags);
  long recv_stream(Message& m, int flags);
  long send_dgram(Message& m, int flags);
  long recv_dgram(Message& m, int flags);
  void disconnect();
  static UnixSocket* lookup(const SockAddr& addr);

  UnixSocket* peer_ = nullptr;  // stream: the other end; dgram: default destination
  SockAddr name_;
  bool bound_ = false, listening_ = false, connected_ = false;
  bool shut_rd_ = false, shut_wr_ = false, peer_gone_ = false;
  int backlog_ = 0;
  List<UnixSocket, &UnixSocket::queue_node> pending_;  // connections not yet accepted
  WaitList connectors_;                                 // connect() waiting for room there
  UnixSocket* listener_ = nullptr;                      // while in a listener's queue
  uint8_t* ring_ = nullptr;                             // stream receive bytes
  size_t head_ = 0, used_ = 0;
  List<Datagram, &Datagram::node> dgrams_;
  size_t dgram_bytes_ = 0;
  int rcvbuf_ = int(kStreamCapacity), sndbuf_ = int(kStreamCapacity);
  bool passcred_ = false;
  uint64_t ino_ = g_next_ino++;
};

List<UnixSocket, &UnixSocket::all_node> g_all;
List<UnixSocket, &UnixSocket::bound_node> g_bound;

void unlist_bound(UnixSocket* s) { g_bound.remove(s); }

UnixSocket::UnixSocket(int t) {
  domain = kAF_UNIX;
  type = t;
  status_flags = kO_RDWR;
  g_all.push_back(this);
}

// No socket answers at `addr`: ENOENT if nothing is at that path, else
// ECONNREFUSED (a stale socket file, or an abstract name nobody holds).
long absent(const SockAddr& addr) {
  if (addr.len <= kPathAt || addr.bytes[kPathAt] == 0) return -kECONNREFUSED;
  char path[sizeof addr.bytes];
  size_t n = addr.len - kPathAt;
  memcpy(path, addr.bytes + kPathAt, n);
  path[n] = 0;
  return vfs_exists(path) ? -kECONNREFUSED : -kENOENT;
}

bool same_name(const SockAddr& a, const SockAddr& b) {
  return a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0;
}

// Path names compare up to their NUL; abstract ones by their whole length.
SockAddr normalize(const SockAddr& in) {
  SockAddr out = in;
  if (in.len > kPathAt && in.bytes[kPathAt] != 0) {
    size_t n = kPathAt;
    while (n < in.len && in.bytes[n]) n++;
    out.len = n;
  }
  return out;
}

UnixSocket::~UnixSocket() {
  disconnect();
  if (bound_node.linked()) g_bound.remove(this);
  while (UnixSocket* s = pending_.pop_front()) {
    s->listener_ = nullptr;
    s->put();  // never accepted: its client sees the hang-up
  }
  wake_list(connectors_, -1);  // they look the name up again
  if (listener_) listener_->pending_.remove(this);
  while (Datagram* d = dgrams_.pop_front()) {
    kfree(d->data);
    delete d;
  }
  kfree(ring_);
  g_all.remove(this);
}

void UnixSocket::disconnect() {
  // Whoever pointed at us (a stream peer, datagram sockets that chose us
  // as their destination) forgets us; a stream peer sees the hang-up.
  for (UnixSocket* s = g_all.front(); s; s = g_all.next_of(s)) {
    if (s->peer_ != this) continue;
    s->peer_ = nullptr;
    if (s->stream()) {
      s->peer_gone_ = true;
      s->notify_watchers();
    }
  }
  peer_ = nullptr;
}

bool UnixSocket::pair(UnixSocket* a, UnixSocket* b) {
  if (a->stream()) {
    a->ring_ = static_cast<uint8_t*>(kmalloc(kStreamCapacity));
    b->ring_ = static_cast<uint8_t*>(kmalloc(kStreamCapacity));
    if (!a->ring_ || !b->ring_) return false;
  }
  a->peer_ = b;
  b->peer_ = a;
  a->connected_ = b->connected_ = true;
  return true;
}

UnixSocket* UnixSocket::lookup(const SockAddr& addr) {
  SockAddr n = normalize(addr);
  for (UnixSocket* s = g_bound.front(); s; s = g_bound.next_of(s))
    if (same_name(s->name_, n)) return s;
  return nullptr;
}

long UnixSocket::wait(uint32_t events, bool nonblock) {
  if (nonblock) return -kEAGAIN;
  long r = wait_for_file(this, events, 0);
  return r < 0 ? r : 0;
}

long UnixSocket::bind(const SockAddr& addr) {
  if (addr.len < kPathAt || addr.bytes[0] != kAF_UNIX) return -kEINVAL;
  if (bound_) return -kEINVAL;
  if (addr.len == kPathAt) return -kEINVAL;  // autobind is not offered
  SockAddr n = normalize(addr);
  if (lookup(n)) return -kEADDRINUSE;
  if (n.bytes[kPathAt]) {  // a path name: the socket appears in the file tree
    char path[sizeof n.bytes];
    memcpy(path, n.bytes + kPathAt, n.len - kPathAt);
    path[n.len - kPathAt] = 0;
    if (long r = vfs_make_socket_node(path)) return r;
  }
  name_ = n;
  bound_ = true;
  g_bound.push_back(this);
  return 0;
}

long UnixSocket::listen(int backlog) {
  if (!stream()) return -kEOPNOTSUPP;
  if (!bound_ || connected_) return -kEINVAL;
  listening_ = true;
  backlog_ = backlog < 0 || backlog > kMaxBacklog ? kMaxBacklog : backlog;
  return 0;
}

long UnixSocket::accept(Socket** out, SockAddr* peer, bool nonblock) {
  if (!listening_) return -kEINVAL;
  while (pending_.empty()) {
    long r = wait(kPOLLIN, nonblock || nonblocking());
    if (r < 0) return r;
  }
  UnixSocket* s = pending_.pop_front();
  s->listener_ = nullptr;
  notify_watchers();
  wake_list(connectors_, -1);
  if (peer && s->peer_) s->peer_->local_name(peer);
  *out = s;
  return 0;
}

long UnixSocket::connect(const SockAddr& addr) {
  if (addr.len < kPathAt || addr.bytes[0] != kAF_UNIX) return -kEINVAL;
  UnixSocket* target = addr.len > kPathAt ? lookup(addr) : nullptr;
  if (!stream()) {
    if (addr.len == kPathAt) {  // AF_UNSPEC-like: dissolve the association
      peer_ = nullptr;
      return 0;
    }
    if (!target) return absent(addr);
    if (target->type != type) return -kEPROTOTYPE;
    peer_ = target;
    return 0;
  }
  if (connected_) return -kEISCONN;
  if (listening_) return -kEINVAL;
  if (!target) return absent(addr);
  if (!target->listening_ || target->type != type) return -kECONNREFUSED;
  while (int(target->pending_.size()) > target->backlog_) {
    if (nonblocking()) return -kEAGAIN;
    if (signal_pending()) return -kEINTR;
    // Woken by accept, or as the listener goes: it is no file this call
    // holds, so it is found by name again.
    wait_on(target->connectors_, 0);
    target = lookup(addr);
    if (!target) return absent(addr);
    if (!target->listening_ || target->type != type) return -kECONNREFUSED;
  }
  auto server = new UnixSocket(type);
  if (!server || !pair(this, server)) {
    delete server;
    return -kENOMEM;
  }
  server->name_ = target->name_;
  server->listener_ = target;
  target->pending_.push_back(server);
  target->notify_watchers();
  return 0;
}

long UnixSocket::send(Message& m, int flags) {
  if (shut_wr_) {
    if (!(flags & kMSG_NOSIGNAL)) send_signal(current_thread(), kSIGPIPE, kSI_USER, 1, 0);
    return -kEPIPE;
  }
  return stream() ? send_stream(m, flags) : send_dgram(m, flags);
}

long UnixSocket::send_stream(Message& m, int flags) {
  if (m.name && m.name->len) return connected_ ? -kEISCONN : -kEOPNOTSUPP;
  if (!connected_) return -kENOTCONN;
  size_t total = m.total(), done = 0;
  IoCursor cur{m};
  bool nonblock = nonblocking() || (flags & kMSG_DONTWAIT);
  while (done < total) {
    if (!peer_ || peer_->shut_rd_) {
      if (!(flags & kMSG_NOSIGNAL)) send_signal(current_thread(), kSIGPIPE, kSI_USER, 1, 0);
      return done ? long(done) : -kEPIPE;
    }
    size_t room = stream_room();
    if (!room) {
      long r = wait(kPOLLOUT, nonblock);
      if (r < 0) return done ? long(done) : r;
      continue;
    }
    UnixSocket* p = peer_;
    FileRef held(p);  // a fault in the copy may sleep, and the peer close meanwhile
    size_t tail = (p->head_ + p->used_) % kStreamCapacity;
    size_t chunk = kStreamCapacity - tail;
    if (chunk > room) chunk = room;
    if (chunk > total - done) chunk = total - done;
    long got = cur.from_user(p->ring_ + tail, chunk);
    if (got < 0) return done ? long(done) : got;
    p->used_ += size_t(got);
    done += size_t(got);
    p->notify_watchers();
  }
  return long(done);
}

long UnixSocket::recv_stream(Message& m, int flags) {
  if (listening_) return -kEINVAL;
  if (!connected_ && !peer_gone_) return -kEINVAL;
  size_t want = m.total();
  if (!want) return 0;
  bool nonblock = nonblocking() || (flags & kMSG_DONTWAIT);
  IoCursor cur{m};
  size_t done = 0;
  for (;;) {
    if (used_) {
      size_t head = head_, left = used_;
      while (done < want && left) {
        size_t chunk = kStreamCapacity - head;
        if (chunk > left) chunk = left;
        if (chunk > want - done) chunk = want - done;
        long put = cur.to_user(ring_ + head, chunk);
        if (put < 0) return done ? long(done) : put;
        head = (head + chunk) % kStreamCapacity;
        left -= chunk;
        done += chunk;
      }
      if (!(flags & kMSG_PEEK)) {
        head_ = head;
        used_ = left;
        if (peer_) peer_->notify_watchers();  // room for the writer
      }
      if (done == want || !(flags & kMSG_WAITALL) || (flags & kMSG_PEEK)) return long(done);
    }
    if (shut_rd_ || !peer_ || peer_->shut_wr_) return long(done);  // EOF
    long r = wait(kPOLLIN, nonblock);
    if (r < 0) return done ? long(done) : r;
  }
}

long UnixSocket::send_dgram(Message& m, int flags) {
  UnixSocket* dest = peer_;
  if (m.name && m.name->len) {
    dest = lookup(*m.name);
    if (!dest) return absent(*m.name);
  }
  if (!dest) return -kENOTCONN;
  if (dest->type != type) return -kEPROTOTYPE;
  size_t len = m.total();
  if (len > kMaxDatagram) return -kEMSGSIZE;
  bool nonblock = nonblocking() || (flags & kMSG_DONTWAIT);
  while (dest->dgram_bytes_ + len > kDgramQueueBytes && dest->dgram_bytes_) {
    if (nonblock) return -kEAGAIN;
    // Woken when the receiver drains, or closes: it is no file this call holds.
    long r = wait_for_file(dest, kPOLLOUT, 0);
    if (r == -kEPIPE) return -kECONNREFUSED;  // as Linux says when the receiver goes
    if (r < 0) return r;
  }
  auto d = new Datagram;
  if (!d) return -kENOMEM;
  d->data = static_cast<uint8_t*>(kmalloc(len ? len : 1));
  if (!d->data) {
    delete d;
    return -kENOMEM;
  }
  FileRef held(dest);  // a fault in the copy may sleep, and the receiver close meanwhile
  IoCursor cur{m};
  long got = cur.from_user(d->data, len);
  bool taken = got >= 0 && dest->receive;
  if (taken) dest->receive(d->data, len);  // the kernel's own socket: handled now, not queued
  if (got < 0 || taken) {
    kfree(d->data);
    delete d;
    return taken ? long(len) : got;
  }
  d->len = len;
  d->from = bound_ ? name_ : SockAddr{};
  if (!bound_) {
    d->from.bytes[0] = kAF_UNIX;
    d->from.len = kPathAt;
  }
  dest->dgrams_.push_back(d);
  dest->dgram_bytes_ += len;
  dest->notify_watchers();
  return long(len);
}

long UnixSocket::recv_dgram(Message& m, int flags) {
  bool nonblock = nonblocking() || (flags & kMSG_DONTWAIT);
  while (dgrams_.empty()) {
    if (shut_rd_) return 0;
    long r = wait(kPOLLIN, nonblock);
    if (r < 0) return r;
  }
  Datagram* d = dgrams_.front();
  IoCursor cur{m};
  long put = cur.to_user(d->data, d->len);
  if (put < 0) return put;
  if (size_t(put) < d->len) m.flags |= kMSG_TRUNC;
  if (m.name) *m.name = d->from;
  long ret = (flags & kMSG_TRUNC) ? long(d->len) : put;
  if (!(flags & kMSG_PEEK)) {
    dgrams_.remove(d);
    dgram_bytes_ -= d->len;
    kfree(d->data);
    delete d;
    notify_watchers();  // senders waiting for room
  }
  return ret;
}

long UnixSocket::recv(Message& m, int flags) {
  return stream() ? recv_stream(m, flags) : recv_dgram(m, flags);
}

long UnixSocket::shutdown(int how) {
  if (how < kSHUT_RD || how > kSHUT_RDWR) return -kEINVAL;
  if (stream() && !connected_) return -kENOTCONN;
  if (how != kSHUT_WR) shut_rd_ = true;
  if (how != kSHUT_RD) shut_wr_ = true;
  notify_watchers();
  if (peer_) peer_->notify_watchers();
  return 0;
}

long UnixSocket::local_name(SockAddr* out) {
  if (bound_) {
    *out = name_;
  } else {
    out->bytes[0] = kAF_UNIX;
    out->bytes[1] = 0;
    out->len = kPathAt;
  }
  return 0;
}

long UnixSocket::peer_name(SockAddr* out) {
  if (!peer_) return -kENOTCONN;
  return peer_->local_name(out);
}

long UnixSocket::set_option(int level, int name, const void* val, size_t len) {
  if (level != kSOL_SOCKET) return -kENOPROTOOPT;
  if (len < sizeof(int)) return -kEINVAL;
  int v;
  memcpy(&v, val, sizeof v);
  switch (name) {
    case kSO_RCVBUF: rcvbuf_ = v * 2; return 0;  // Linux doubles for bookkeeping
    case kSO_SNDBUF: sndbuf_ = v * 2; return 0;
    case kSO_PASSCRED: passcred_ = v; return 0;
    case kSO_REUSEADDR:
    case kSO_KEEPALIVE:
      return 0;  // meaningless for AF_UNIX, accepted as on Linux
    default: return -kENOPROTOOPT;
  }
}

long UnixSocket::get_option(int level, int name, void* val, size_t* len) {
  if (level == 0 && name == -1) {  // FIONREAD
    int32_t n = int32_t(stream() ? used_ : (dgrams_.empty() ? 0 : dgrams_.front()->len));
    memcpy(val, &n, sizeof n);
    return 0;
  }
  if (level != kSOL_SOCKET) return -kENOPROTOOPT;
  if (name == kSO_PEERCRED) {
    if (!peer_ && !peer_gone_) return -kENOTCONN;
    Ucred cred = {1, 0, 0};  // the one program, as root
    size_t n = *len < sizeof cred ? *len : sizeof cred;
    memcpy(val, &cred, n);
    *len = n;
    return 0;
  }
  int v;
  switch (name) {
    case kSO_TYPE: v = type; break;
    case kSO_DOMAIN: v = kAF_UNIX; break;
    case kSO_PROTOCOL: v = 0; break;
    case kSO_ERROR: v = 0; break;
    case kSO_ACCEPTCONN: v = listening_; break;
    case kSO_RCVBUF: v = rcvbuf_; break;
    case kSO_SNDBUF: v = sndbuf_; break;
    case kSO_PASSCRED: v = passcred_; break;
    default: return -kENOPROTOOPT;
  }
  size_t n = *len < sizeof v ? *len : sizeof v;
  memcpy(val, &v, n);
  *len = n;
  return 0;
}

uint32_t UnixSocket::poll_events() {
  uint32_t ev = 0;
  if (listening_) return pending_.empty() ? 0 : kPOLLIN | kPOLLRDNORM;
  if (stream()) {
    if (used_) ev |= kPOLLIN | kPOLLRDNORM;
    bool peer_done = peer_gone_ || (peer_ && peer_->shut_wr_);
    if (shut_rd_ || peer_done) ev |= kPOLLIN | kPOLLRDNORM | kPOLLRDHUP;
    if (peer_gone_ || (shut_rd_ && shut_wr_)) ev |= kPOLLHUP;
    if (connected_ && stream_room() && !shut_wr_) ev |= kPOLLOUT | kPOLLWRNORM;
    if (!connected_ && !peer_gone_) ev |= kPOLLOUT;  // unconnected: Linux says writable
    return ev;
  }
  if (!dgrams_.empty()) ev |= kPOLLIN | kPOLLRDNORM;
  if (dgram_bytes_ < kDgramQueueBytes) ev |= kPOLLOUT | kPOLLWRNORM;
  if (shut_rd_) ev |= kPOLLRDHUP | kPOLLIN;
  return ev;
}

long UnixSocket::stat(Stat* st) {
  *st = Stat{};
  st->dev = 8;  // sockfs
  st->ino = ino_;
  st->nlink = 1;
  st->mode = kS_IFSOCK | 0777;
  st->blksize = 4096;
  return 0;
}

// unlink() of a socket's path name: the socket bound there (if any) stops
// answering to it.
void unlinked(const char* path) {
  size_t n = strlen(path);
  for (UnixSocket* s = g_bound.front(); s; s = g_bound.next_of(s))
    if (s->forget_path(path, n)) return;
}

long make_unix_socket(int, int type, int protocol, Socket** out) {
  if (protocol != 0 && protocol != kAF_UNIX) return -kEPROTONOSUPPORT;
  if (type != kSOCK_STREAM && type != kSOCK_DGRAM) return -kESOCKTNOSUPPORT;
  auto s = new UnixSocket(type);
  if (!s) return -kENOMEM;
  *out = s;
  return 0;
}

KILN_SET_ENTRY(socket_families, SocketFamily, g_unix) = {kAF_UNIX, make_unix_socket, nullptr};

KILN_SET_ENTRY(path_observers, PathObserver, g_bound_names) = {unlinked};

}  // namespace

long make_unix_receiver(const char* path, void (*receive)(const uint8_t* data, size_t len)) {
  SockAddr addr;
  size_t n = strlen(path);
  if (n + 2 > sizeof addr.bytes) return -kENAMETOOLONG;
  addr.bytes[0] = kAF_UNIX;
  addr.bytes[1] = 0;
  memcpy(addr.bytes + 2, path, n);
  addr.len = n + 2;
  auto s = new UnixSocket(kSOCK_DGRAM);
  if (!s) return -kENOMEM;
  s->receive = receive;
  long r = s->bind(addr);
  if (r < 0) s->put();
  return r;  // bound, the socket lives as long as the kernel
}

long make_unix_pair(int type, Socket** a, Socket** b) {
  if (type != kSOCK_STREAM && type != kSOCK_DGRAM) return -kESOCKTNOSUPPORT;
  auto x = new UnixSocket(type), y = new UnixSocket(type);
  if (!x || !y || !UnixSocket::pair(x, y)) {
    delete x;
    delete y;
    return -kENOMEM;
  }
  *a = x;
  *b = y;
  return 0;
}

}  // namespace kiln
