#include "net/stack.h"

#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"

namespace kiln::net {

Stack::Stack(const StackConfig& cfg) : cfg_(cfg) {
  random(&ip_id_, sizeof ip_id_);
  icmp_tokens_ = cfg_.icmp_burst;
  lo_ = new Interface(nullptr, "lo", next_index_++);
  if (lo_) {
    ifaces_.push_back(lo_);
    lo_->ip = ip4(127, 0, 0, 1);
    lo_->prefix = 8;
    lo_->ip6_on = true;
    lo_->ip6[0].used = true;
    lo_->ip6[0].addr = ip6_loopback();
    lo_->ip6[0].prefix = 128;
    add_route(ip4(127, 0, 0, 0), 8, Ip4{}, lo_);
  }
}

Stack::~Stack() {
  // Sockets first: closing them may still send.
  List<Socket, &Socket::link>* lists[] = {&udp_, &tcp_bound_, &tcp_listen_, &tcp_conns_};
  for (auto* l : lists)
    while (Socket* s = l->front()) destroy(s);
  while (Interface* i = ifaces_.pop_front()) {
    if (i->dev) i->dev->set_receiver(nullptr, nullptr);
    delete i;
  }
}

void Stack::random(void* out, size_t n) {
  if (cfg_.random) {
    cfg_.random(cfg_.random_ctx, out, n);
    return;
  }
  // Without a source (some tests): a fixed sequence, still varied.
  static uint64_t x = 0x9e3779b97f4a7c15ull;
  auto* p = static_cast<uint8_t*>(out);
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = uint8_t(x);
  }
}

Interface* Stack::add_interface(NetDevice* dev, const char* name) {
  auto* ifc = new Interface(dev, name, next_index_++);
  if (!ifc) return nullptr;
  ifaces_.push_back(ifc);
  dev->set_receiver(&Stack::receive, this);
  return ifc;
}

Interface* Stack::interface_by_name(const char* name) {
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (strcmp(i->name, name) == 0) return i;
  return nullptr;
}

void Stack::receive(void* ctx, NetDevice* dev, const uint8_t* frame, size_t len, bool csum_ok) {
  auto* st = static_cast<Stack*>(ctx);
  for (Interface* i = st->ifaces_.front(); i; i = st->ifaces_.next_of(i))
    if (i->dev == dev) return st->input(i, frame, len, st->now_, csum_ok);
}

void Stack::set_ipv4(Interface* ifc, Ip4 addr, int prefix, uint64_t now_ns) {
  if (now_ns > now_) now_ = now_ns;
  remove_routes(ifc);
  if (prefix < 0 || prefix > 32) {
    ifc->prefix = -1;
    ifc->ip = Ip4{};
    return;
  }
  ifc->ip = addr;
  ifc->prefix = prefix;
  add_route(Ip4{addr.v & prefix_mask(prefix)}, prefix, Ip4{}, ifc);
  // Gratuitous ARP: neighbours with a stale entry for this address learn
  // our MAC, and a conflicting host would answer.
  if (!ifc->loopback()) {
    arp_request(ifc, addr, addr);
    flush();
  }
}

bool Stack::add_route(Ip4 dest, int prefix, Ip4 gateway, Interface* ifc) {
  if (prefix < 0 || prefix > 32 || !ifc) return false;
  dest.v &= prefix_mask(prefix);
  Route* slot = nullptr;
  for (Route& r : routes_) {
    if (r.prefix == prefix && r.dest == dest) {
      slot = &r;  // replaces (a new default gateway)
      break;
    }
    if (r.prefix < 0 && !slot) slot = &r;
  }
  if (!slot) return false;
  *slot = Route{dest, prefix, gateway, ifc};
  return true;
}

void Stack::remove_routes(Interface* ifc) {
  for (Route& r : routes_)
    if (r.ifc == ifc) r = Route{};
}

const Stack::Route* Stack::route(Ip4 dst) const {
  const Route* best = nullptr;
  for (const Route& r : routes_) {
    if (r.prefix < 0 || !r.ifc->up) continue;
    if ((dst.v & prefix_mask(r.prefix)) != r.dest.v) continue;
    if (!best || r.prefix > best->prefix) best = &r;
  }
  return best;
}

bool Stack::is_local(Ip4 a) const {
  if (a.loopback()) return true;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (i->has_ip4() && i->ip == a) return true;
  return false;
}

bool Stack::is_broadcast(Ip4 a) const {
  if (a.broadcast()) return true;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (i->has_ip4() && i->prefix < 31 && i->subnet_broadcast() == a) return true;
  return false;
}

Ip4 Stack::source_for(Ip4 dst) {
  if (is_local(dst)) return dst.loopback() ? ip4(127, 0, 0, 1) : dst;
  const Route* r = route(dst);
  if (r && r->ifc->has_ip4()) return r->ifc->ip;
  return Ip4{};
}

void Stack::note_timer(uint64_t deadline) {
  if (deadline && deadline < next_timer_) {
    next_timer_ = deadline;
    if (cfg_.kick) cfg_.kick(cfg_.kick_ctx);
  }
}

void Stack::poll(uint64_t now_ns) {
  if (now_ns > now_) now_ = now_ns;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (i->dev) {
      i->dev->poll();  // also reclaims finished transmit slots
      tx_retry(i);
    }
  if (now_ >= next_timer_) run_timers();
  flush();
}

void Stack::flush() {
  loopback_poll();
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i))
    if (i->dev && i->needs_flush) {
      i->needs_flush = false;
      i->dev->flush();
    }
}

void Stack::loopback_poll() {
  if (in_loop_poll_ || !lo_) return;
  in_loop_poll_ = true;
  // Packets sent while delivering these wait for the next round, which
  // bounds the work of one call.
  for (int round = 0; round < 64 && !lo_->loop_queue.empty(); round++) {
    PacketList batch;
    while (Packet* p = lo_->loop_queue.pop_front()) batch.push_back(p);
    while (Packet* p = batch.pop_front()) {
      lo_->rx_packets++;
      if (p->len() && (p->data()[0] >> 4) == 6)
        ip6_input(lo_, p->data(), p->len());
      else
        ip4_input(lo_, p->data(), p->len());
      delete p;
    }
  }
  in_loop_poll_ = false;
  if (!lo_->loop_queue.empty() && cfg_.kick) cfg_.kick(cfg_.kick_ctx);
}

size_t Stack::draining() {
  size_t n = 0;
  for (Socket* s = tcp_conns_.front(); s; s = tcp_conns_.next_of(s)) {
    TcpState st = s->tcb.state;
    if (st == TcpState::FinWait1 || st == TcpState::Closing || st == TcpState::LastAck ||
        ((st == TcpState::Established || st == TcpState::CloseWait) && s->tx_pending()))
      n++;
  }
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i)) {
    n += i->tx_queue.size();
    for (const Neighbor& e : i->neighbors) n += e.pending.size();  // waiting for ARP or NDP
    if (i->dev) n += i->dev->tx_in_flight();
  }
  return n;
}

void Stack::run_timers() {
  uint64_t next = UINT64_MAX;
  for (Interface* i = ifaces_.front(); i; i = ifaces_.next_of(i)) {
    neighbor_timers(i);
    for (const Neighbor& e : i->neighbors)
      if (e.state != Neighbor::Free && e.deadline < next) next = e.deadline;
    if (i->ip6_on) ip6_timers(i, &next);
  }
  reasm_.expire(now_);
  if (reasm_.in_progress()) {
    uint64_t t = now_ + 1'000'000'000ull;  // checked once a second
    if (t < next) next = t;
  }
  for (Socket* s = tcp_conns_.front(); s;) {
    Socket* n = tcp_conns_.next_of(s);  // s may be destroyed
    uint64_t t = s->tcp_next_timer();
    if (t && t <= now_) s->tcp_timers(now_);
    s = n;
  }
  // Recomputed after running: handlers arm new timers.
  for (Socket* s = tcp_conns_.front(); s; s = tcp_conns_.next_of(s)) {
    uint64_t t = s->tcp_next_timer();
    if (t && t < next) next = t;
  }
  next_timer_ = next;
}

}  // namespace kiln::net
