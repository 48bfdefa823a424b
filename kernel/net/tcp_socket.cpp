// The stream half of the socket API: connect, listen, accept, send, recv,
// shutdown, close and readiness, over the control block in Socket::tcb.
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {

long tcp_listen(Socket* s, int backlog) {
  Tcb& t = s->tcb;
  if (t.state == TcpState::Listen) {
    s->backlog_ = backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog;
    return 0;
  }
  if (t.state != TcpState::Closed || s->reset_) return -kEINVAL;
  if (!s->bound_) {
    long r = s->bind(s->any_endpoint());
    if (r < 0) return r;
  }
  // Two listeners on one port only with SO_REUSEPORT on both.
  for (Socket* o = s->stack_->tcp_listeners().front(); o;
       o = s->stack_->tcp_listeners().next_of(o))
    if (o->local_.port == s->local_.port &&
        (o->local_.addr.any() || s->local_.addr.any() || o->local_.addr == s->local_.addr) &&
        !families_apart(o->local_.addr, o->v6only_, s->local_.addr, s->v6only_) &&
        !(o->reuse_port_ && s->reuse_port_))
      return -kEADDRINUSE;
  s->backlog_ = backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog;
  t.state = TcpState::Listen;
  s->stack_->file(s, &s->stack_->tcp_listeners());
  return 0;
}

long tcp_accept(Socket* s, Socket** out, Endpoint* peer) {
  if (s->tcb.state != TcpState::Listen) return -kEINVAL;
  Socket* c = s->accept_q_.pop_front();
  if (!c) return -kEAGAIN;
  c->in_accept_q_ = false;
  c->listener_ = nullptr;
  if (peer) *peer = c->remote_;
  *out = c;
  return 0;
}

long tcp_connect(Socket* s, const Endpoint& to) {
  Tcb& t = s->tcb;
  switch (t.state) {
    case TcpState::SynSent:
    case TcpState::SynReceived:
      return -kEALREADY;
    case TcpState::Closed:
      break;
    case TcpState::Listen:
      return -kEISCONN;
    default:
      return s->reset_ ? -kEISCONN : -kEISCONN;
  }
  if (s->was_connected_) return -kEISCONN;
  Stack* st = s->stack_;
  if (to.port == 0) return -kECONNREFUSED;
  if (to.addr.v6 ? to.addr.a6.multicast() : (st->is_broadcast(to.addr.a4) || to.addr.a4.multicast()))
    return -kENETUNREACH;
  Endpoint local = s->local_;
  if (local.addr.any()) {
    IpAddr src = st->source_for(to.addr);
    if (src.any()) return -kENETUNREACH;
    local.addr = src;
  }
  if (!s->bound_) {
    local.port = st->ephemeral_port(true, local, &to);
    if (!local.port) return -kEADDRNOTAVAIL;
  }
  if (Socket* o = st->tcp_lookup(local, to)) {
    // The same four-tuple lingers in TIME_WAIT: reuse it (our ISN is fresh
    // and timestamps tell old segments apart); anything else is busy.
    if (o->tcb.state != TcpState::TimeWait) return -kEADDRNOTAVAIL;
    o->tcb.state = TcpState::Closed;
    o->tcp_maybe_free();
  }
  s->local_ = local;
  s->remote_ = to;
  s->bound_ = true;
  s->error_ = 0;
  s->reset_ = false;
  s->shut_rd_ = s->shut_wr_ = false;
  t = Tcb{};
  st->random(&t.iss, sizeof t.iss);
  st->random(&t.ts_offset, sizeof t.ts_offset);
  t.snd_una = t.snd_nxt = t.snd_max = t.iss;
  t.snd_base = t.iss + 1;
  s->tcp_init_conn(0);
  t.state = TcpState::SynSent;
  st->file(s, &st->tcp_conns());
  st->tcp_hash(s);
  s->tcp_send_segment(t.iss, 0, kSyn, true);
  t.snd_nxt = t.snd_max = t.iss + 1;
  s->tcp_arm_rexmit(true);
  return -kEINPROGRESS;
}

long tcp_send(Socket* s, ByteSource& src, int flags) {
  (void)flags;
  Tcb& t = s->tcb;
  if (s->error_) {
    long e = -s->error_;
    s->error_ = 0;
    return e;
  }
  if (s->shut_wr_ || s->reset_) return -kEPIPE;
  switch (t.state) {
    case TcpState::Established:
    case TcpState::CloseWait:
      break;
    case TcpState::SynSent:
    case TcpState::SynReceived:
      return -kEAGAIN;
    default:  // Linux says EPIPE even to a socket that never connected
      return -kEPIPE;
  }
  if (src.remaining == 0) return 0;
  if (s->snd_.space() == 0) return -kEAGAIN;
  long n = s->snd_.append(src, src.remaining);
  if (n <= 0) return n == 0 ? -kEAGAIN : (n == -kENOMEM ? -kEAGAIN : n);
  s->tcp_output();
  return n;
}

long tcp_recv(Socket* s, ByteSink& dst, int flags) {
  Tcb& t = s->tcb;
  if (t.state == TcpState::Listen) return -kENOTCONN;
  size_t avail = s->rcv_.size();
  if (avail && !s->shut_rd_) {
    size_t n = avail < dst.remaining ? avail : dst.remaining;
    long r = s->rcv_.copy_out(dst, 0, n);
    if (r <= 0) return r;
    if (!(flags & kMSG_PEEK)) {
      uint32_t before = s->tcp_rcv_window();
      s->rcv_.consume(size_t(r));
      // Window update once the window grew by enough to matter (RFC 9293
      // §3.8.6.2.2, receiver-side silly window avoidance).
      uint32_t after = s->tcp_rcv_window();
      uint32_t adv = t.rcv_adv - t.rcv_nxt;
      uint32_t thresh = s->rcv_.limit() / 2 < 2u * t.mss ? s->rcv_.limit() / 2 : 2u * t.mss;
      if (t.state == TcpState::Established || t.state == TcpState::FinWait1 ||
          t.state == TcpState::FinWait2)
        if (after > adv && (after - adv >= thresh || (adv < t.mss && before < after &&
                                                       after >= t.mss)))
          s->tcp_output(true);
    }
    return r;
  }
  if (s->error_) {
    long e = -s->error_;
    s->error_ = 0;
    return e;
  }
  if (s->fin_received_or_shut()) return 0;
  if (t.state == TcpState::Closed) return s->was_connected_ ? 0 : -kENOTCONN;
  return -kEAGAIN;
}

// Queues our FIN after the data (RFC 9293 CLOSE in a synchronized state).
static void queue_fin(Socket* s) {
  Tcb& t = s->tcb;
  if (t.fin_queued) return;
  t.fin_queued = true;
  t.fin_seq = t.snd_base + uint32_t(s->snd_.size());
  if (t.state == TcpState::Established || t.state == TcpState::SynReceived)
    s->tcp_set_state(TcpState::FinWait1);
  else if (t.state == TcpState::CloseWait)
    s->tcp_set_state(TcpState::LastAck);
  s->tcp_output();
}

long tcp_shutdown(Socket* s, int how) {
  Tcb& t = s->tcb;
  if (t.state == TcpState::Listen) {
    if (how != kSHUT_WR) s->shut_rd_ = true;
    s->wake();
    return 0;
  }
  if (t.state == TcpState::Closed) return -kENOTCONN;
  if (how != kSHUT_WR) {
    s->shut_rd_ = true;
    s->rcv_.consume(s->rcv_.size());
  }
  if (how != kSHUT_RD && !s->shut_wr_) {
    s->shut_wr_ = true;
    if (t.state == TcpState::SynSent) {
      s->tcp_abort(0, false);
    } else {
      queue_fin(s);
    }
  }
  s->wake();
  return 0;
}

void tcp_close(Socket* s) {
  Tcb& t = s->tcb;
  Stack* st = s->stack_;
  switch (t.state) {
    case TcpState::Closed:
    case TcpState::Listen:
    case TcpState::SynSent:
      st->destroy(s);
      return;
    case TcpState::TimeWait:
      return;  // the timer frees it
    default:
      break;
  }
  // Unread data, or SO_LINGER with a zero timeout: abort with RST (RFC
  // 2525 §2.17; Linux does the same).
  if (s->rcv_.size() || (s->linger_on_ && s->linger_s_ == 0)) {
    s->tcp_abort(0, true);
    st->destroy(s);
    return;
  }
  s->shut_rd_ = true;
  if (!s->shut_wr_) {
    s->shut_wr_ = true;
    queue_fin(s);
  }
  // The state may have moved on (even freed the socket) inside output; the
  // orphan is reaped by tcp_maybe_free when it reaches CLOSED.
}

uint32_t tcp_events(const Socket* s) {
  const Tcb& t = s->tcb;
  if (t.state == TcpState::Listen)
    return s->accept_q_.empty() ? 0u : (kEPOLLIN | kEPOLLRDNORM);
  uint32_t m = 0;
  bool rcv_shut = s->fin_received_or_shut();
  bool snd_shut = s->shut_wr_ || s->reset_;
  if ((rcv_shut && snd_shut) || t.state == TcpState::Closed) m |= kEPOLLHUP;
  if (rcv_shut) m |= kEPOLLIN | kEPOLLRDNORM | kEPOLLRDHUP;
  if (t.state != TcpState::SynSent && t.state != TcpState::SynReceived) {
    if (s->rcv_.size()) m |= kEPOLLIN | kEPOLLRDNORM;
    if (!snd_shut) {
      // Linux's rule: writable while free space is at least half the queue.
      size_t used = s->snd_.size(), free = s->snd_.space();
      if (free && free >= used / 2) m |= kEPOLLOUT | kEPOLLWRNORM;
    } else {
      m |= kEPOLLOUT | kEPOLLWRNORM;
    }
  }
  if (s->error_) m |= kEPOLLERR;
  return m;
}

}  // namespace kiln::net
