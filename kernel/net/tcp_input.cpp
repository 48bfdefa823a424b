// TCP segment arrival (RFC 9293 §3.10.7): parsing, demultiplexing, the
// LISTEN and CLOSED rules, and the per-connection state machine.
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

// Parses the option list; malformed options end parsing (the segment is
// still processed, as real stacks do).
void parse_options(const uint8_t* o, size_t n, TcpSegment* seg) {
  size_t i = 0;
  while (i < n) {
    uint8_t kind = o[i];
    if (kind == 0) break;
    if (kind == 1) {
      i++;
      continue;
    }
    if (i + 1 >= n) break;
    uint8_t len = o[i + 1];
    if (len < 2 || i + len > n) break;
    const uint8_t* v = o + i + 2;
    switch (kind) {
      case 2:
        if (len == 4) {
          seg->has_mss = true;
          seg->mss = be16(v);
        }
        break;
      case 3:
        if (len == 3) {
          seg->has_wscale = true;
          seg->wscale = v[0] > 14 ? 14 : v[0];  // RFC 7323 §2.3
        }
        break;
      case 4:
        if (len == 2) seg->sack_permitted = true;
        break;
      case 8:
        if (len == 10) {
          seg->has_ts = true;
          seg->ts_val = be32(v);
          seg->ts_ecr = be32(v + 4);
        }
        break;
      case 5:
        for (size_t k = 0; k + 8 <= size_t(len - 2) && seg->sack_count < 4; k += 8) {
          seg->sack[seg->sack_count][0] = be32(v + k);
          seg->sack[seg->sack_count][1] = be32(v + k + 4);
          seg->sack_count++;
        }
        break;
      default:
        break;
    }
    i += len;
  }
}

}  // namespace

void Stack::tcp_send_reset(const Endpoint& local, const Endpoint& remote, uint32_t seq,
                           uint32_t ack, bool with_ack) {
  Packet* p = Packet::create(20);
  if (!p) return;
  uint8_t* h = p->data();
  memset(h, 0, 20);
  put16(h, local.port);
  put16(h + 2, remote.port);
  put32(h + 4, seq);
  put32(h + 8, with_ack ? ack : 0);
  h[12] = 5 << 4;
  h[13] = kRst | (with_ack ? kAck : 0);
  put16(h + 16, csum_fold(csum_add(pseudo_sum(local.addr, remote.addr, kIPPROTO_TCP, 20), h, 20)));
  stats.tcp_rst_out++;
  (void)ip_output(p, local.addr, remote.addr, kIPPROTO_TCP);  // a RST not sent is a RST lost
}

void Stack::tcp_input(const NetHdr& h, const uint8_t* p, size_t len) {
  stats.tcp_in++;
  if (len < 20) return void(stats.tcp_bad++);
  size_t doff = size_t(p[12] >> 4) * 4;
  if (doff < 20 || doff > len) return void(stats.tcp_bad++);
  if (h.multicast) return;
  if (!h.csum_ok && csum_fold(csum_add(pseudo_sum(h.src, h.dst, kIPPROTO_TCP, len), p, len)) != 0)
    return void(stats.tcp_bad++);
  TcpSegment seg;
  seg.remote = Endpoint{h.src, be16(p)};
  seg.local = Endpoint{h.dst, be16(p + 2)};
  seg.seq = be32(p + 4);
  seg.ack = be32(p + 8);
  seg.flags = p[13] & 0x3f;
  seg.wnd = be16(p + 14);
  seg.data = p + doff;
  seg.len = uint32_t(len - doff);
  parse_options(p + 20, doff - 20, &seg);
  if (seg.remote.port == 0 || seg.local.port == 0) return;

  Socket* s = tcp_lookup(seg.local, seg.remote);
  if (s && s->tcb.state == TcpState::TimeWait && (seg.flags & (kSyn | kAck | kRst)) == kSyn &&
      (seq_gt(seg.seq, s->tcb.rcv_nxt) ||
       (s->tcb.ts_ok && seg.has_ts && seq_gt(seg.ts_val, s->tcb.ts_recent)))) {
    // A new incarnation of a connection in TIME_WAIT (RFC 9293 §3.6.1,
    // RFC 6191): end TIME_WAIT early and let the listener take the SYN.
    s->tcp_set_state(TcpState::Closed);
    s->tcp_maybe_free();
    s = nullptr;
  }
  if (s) {
    s->tcp_segment(seg);
    return;
  }
  Socket* l = tcp_find_listener(seg.local, seg.remote);
  if (!l || l->shut_rd_) {
    // CLOSED: everything but a RST is answered with a RST.
    if (seg.flags & kRst) return;
    if (seg.flags & kAck)
      tcp_send_reset(seg.local, seg.remote, seg.ack, 0, false);
    else
      tcp_send_reset(seg.local, seg.remote, 0, seg.seq + seg.seg_len(), true);
    return;
  }
  // LISTEN.
  if (seg.flags & kRst) return;
  if (seg.flags & kAck) {
    tcp_send_reset(seg.local, seg.remote, seg.ack, 0, false);
    return;
  }
  if (!(seg.flags & kSyn)) return;
  // A full accept queue, or too many half-open connections: drop the SYN
  // (the peer retries), as Linux does without syncookies.
  if (l->accept_q_.size() >= size_t(l->backlog_) || l->syn_queued_ >= size_t(l->backlog_) + 16)
    return;
  auto* c = new Socket(this, l->family_, true);
  if (!c) return;
  sockets_++;
  c->listener_ = l;
  l->syn_queued_++;
  c->local_ = seg.local;
  c->remote_ = seg.remote;
  c->bound_ = true;
  c->reuse_addr_ = l->reuse_addr_;
  c->nodelay_ = l->nodelay_;
  c->keepalive_ = l->keepalive_;
  c->linger_on_ = l->linger_on_;
  c->linger_s_ = l->linger_s_;
  c->rcvbuf_ = l->rcvbuf_;
  c->sndbuf_ = l->sndbuf_;
  c->rcv_.set_limit(c->rcvbuf_);
  c->snd_.set_limit(c->sndbuf_);
  c->keep_idle_s_ = l->keep_idle_s_;
  c->keep_intvl_s_ = l->keep_intvl_s_;
  c->keep_cnt_ = l->keep_cnt_;
  c->user_mss_ = l->user_mss_;
  c->ttl_ = l->ttl_;
  c->tos_ = l->tos_;
  Tcb& t = c->tcb;
  random(&t.iss, sizeof t.iss);
  random(&t.ts_offset, sizeof t.ts_offset);
  t.irs = seg.seq;
  t.rcv_nxt = seg.seq + 1;
  t.snd_una = t.snd_nxt = t.snd_max = t.iss;
  t.snd_base = t.iss + 1;
  t.snd_wnd = seg.wnd;  // never scaled in a SYN
  t.snd_wl1 = seg.seq;
  t.snd_wl2 = t.iss;
  t.wscale_ok = seg.has_wscale;
  if (t.wscale_ok) t.snd_wscale = seg.wscale;
  t.sack_ok = seg.sack_permitted && cfg_.tcp_sack;
  t.ts_ok = seg.has_ts;
  if (t.ts_ok) t.ts_recent = seg.ts_val;
  c->tcp_init_conn(seg.has_mss ? seg.mss : 536);
  t.state = TcpState::SynReceived;
  t.last_rx = now_;
  file(c, &tcp_conns_);
  tcp_hash(c);
  c->tcp_send_segment(t.iss, 0, kSyn | kAck, true);
  t.snd_nxt = t.snd_max = t.iss + 1;
  c->tcp_arm_rexmit(true);
}

// Sends an ACK (for unacceptable segments and RFC 5961 challenges).
bool Stack::challenge_allowed() {
  uint64_t second = now_ / 1'000'000'000ull;
  if (second != challenge_second_) {
    challenge_second_ = second;
    challenges_ = 0;
  }
  return challenges_++ < cfg_.challenge_acks;
}

// Pure ACKs carry the highest sequence number sent: after a timeout snd_nxt
// goes back, but the peer may already hold everything up to snd_max.
static void send_ack(Socket* s) { s->tcp_send_segment(s->tcb.snd_max, 0, kAck, false); }

void Socket::tcp_segment(const TcpSegment& seg) {
  Tcb& t = tcb;
  Stack* st = stack_;
  uint64_t now = st->now();
  if (t.state == TcpState::Closed || t.state == TcpState::Listen) return;

  if (t.state == TcpState::SynSent) {
    bool ack_ok = false;
    if (seg.flags & kAck) {
      if (seq_le(seg.ack, t.iss) || seq_gt(seg.ack, t.snd_max)) {
        if (!(seg.flags & kRst)) st->tcp_send_reset(local_, remote_, seg.ack, 0, false);
        return;
      }
      ack_ok = true;
    }
    if (seg.flags & kRst) {
      if (ack_ok) {
        tcp_abort(kECONNREFUSED, false);
        tcp_maybe_free();
      }
      return;
    }
    if (!(seg.flags & kSyn)) return;
    t.irs = seg.seq;
    t.rcv_nxt = seg.seq + 1;
    t.wscale_ok = seg.has_wscale;
    t.snd_wscale = t.wscale_ok ? seg.wscale : 0;
    t.sack_ok = seg.sack_permitted && st->config().tcp_sack;
    t.ts_ok = seg.has_ts;
    if (t.ts_ok) t.ts_recent = seg.ts_val;
    tcp_init_conn(seg.has_mss ? seg.mss : 536);
    t.last_rx = now;
    t.snd_wnd = seg.wnd;
    t.max_snd_wnd = t.snd_wnd;
    t.snd_wl1 = seg.seq;
    t.snd_wl2 = seg.ack;
    if (ack_ok) {
      t.snd_una = seg.ack;
      if (t.ts_ok && seg.ts_ecr) {
        // A timestamp echo gives the first RTT sample.
      }
      t.rtt_start = 0;
      tcp_set_state(TcpState::Established);
      t.backoff = 0;
      t.t_rexmit = 0;
      tcp_output(true);
      return;
    }
    // Simultaneous open: SYN_RECEIVED, answer with our SYN again plus ACK.
    tcp_set_state(TcpState::SynReceived);
    tcp_send_segment(t.iss, 0, kSyn | kAck, true);
    return;
  }

  // A retransmitted SYN while we are half-open: repeat the SYN-ACK.
  if (t.state == TcpState::SynReceived && (seg.flags & (kSyn | kAck | kRst)) == kSyn &&
      seg.seq == t.irs) {
    tcp_send_segment(t.iss, 0, kSyn | kAck, true);
    return;
  }

  // PAWS (RFC 7323 §5): a timestamp older than the last one seen marks an
  // old duplicate.
  if (t.ts_ok && seg.has_ts && !(seg.flags & kRst) && seq_lt(seg.ts_val, t.ts_recent)) {
    send_ack(this);
    return;
  }

  // Acceptability (RFC 9293 §3.10.7.4, first check).
  uint32_t wnd = t.rcv_adv - t.rcv_nxt;
  if (int32_t(wnd) < 0) wnd = 0;
  uint32_t cur = tcp_rcv_window();
  if (cur > wnd) wnd = cur;
  uint32_t seg_len = seg.seg_len();
  bool ok;
  if (seg_len == 0)
    ok = wnd == 0 ? seg.seq == t.rcv_nxt
                  : (seq_le(t.rcv_nxt, seg.seq) && seq_lt(seg.seq, t.rcv_nxt + wnd));
  else
    ok = wnd != 0 && ((seq_le(t.rcv_nxt, seg.seq) && seq_lt(seg.seq, t.rcv_nxt + wnd)) ||
                      (seq_le(t.rcv_nxt, seg.seq + seg_len - 1) &&
                       seq_lt(seg.seq + seg_len - 1, t.rcv_nxt + wnd)));
  // A zero window still takes ACKs and RSTs at the right number.
  bool zero_wnd_probe = !ok && wnd == 0 && seg.seq == t.rcv_nxt;
  if (!ok && !zero_wnd_probe) {
    if (!(seg.flags & kRst)) send_ack(this);
    return;
  }

  // RST (RFC 5961 §3.2: exact match resets, in-window gets a challenge).
  if (seg.flags & kRst) {
    if (seg.seq != t.rcv_nxt) {
      if (st->challenge_allowed()) send_ack(this);
      return;
    }
    switch (t.state) {
      case TcpState::SynReceived:
        if (listener_) {
          // Back to LISTEN: the half-open connection just goes away.
          st->destroy(this);
          return;
        }
        tcp_abort(kECONNREFUSED, false);
        break;
      case TcpState::Established:
      case TcpState::FinWait1:
      case TcpState::FinWait2:
      case TcpState::CloseWait:
        tcp_abort(kECONNRESET, false);
        break;
      default:  // CLOSING, LAST_ACK, TIME_WAIT
        tcp_abort(0, false);
        break;
    }
    tcp_maybe_free();
    return;
  }

  // SYN in a synchronized state: challenge ACK (RFC 5961 §4).
  if (seg.flags & kSyn) {
    if (st->challenge_allowed()) send_ack(this);
    return;
  }
  if (!(seg.flags & kAck)) return;

  t.last_rx = now;
  if (keepalive_) {
    t.keep_probes = 0;
    t.t_keep = now + uint64_t(keep_idle_s_) * 1'000'000'000ull;
  }
  // Timestamps: remember the peer's clock for our echoes (RFC 7323 §4.3).
  if (t.ts_ok && seg.has_ts && seq_le(seg.seq, t.last_ack_sent)) t.ts_recent = seg.ts_val;

  if (t.state == TcpState::SynReceived) {
    // A full accept queue: ignore the handshake's end; our SYN-ACK
    // retransmission asks for it again later (Linux does the same).
    if (listener_ && listener_->accept_q_.size() >= size_t(listener_->backlog_)) return;
    if (seq_le(seg.ack, t.snd_una) || seq_gt(seg.ack, t.snd_max)) {
      st->tcp_send_reset(local_, remote_, seg.ack, 0, false);
      return;
    }
    t.snd_una = seg.ack;
    t.snd_wnd = seg.wnd << t.snd_wscale;
    t.max_snd_wnd = t.snd_wnd;
    t.snd_wl1 = seg.seq;
    t.snd_wl2 = seg.ack;
    t.backoff = 0;
    t.t_rexmit = 0;
    t.rtt_start = 0;
    tcp_set_state(TcpState::Established);
    if (listener_) {
      Socket* l = listener_;
      if (l->syn_queued_) l->syn_queued_--;
      l->accept_q_.push_back(this);
      in_accept_q_ = true;
      l->wake();
    }
    if (t.fin_queued) tcp_set_state(TcpState::FinWait1);
  }

  // ACK processing.
  if (seq_gt(seg.ack, t.snd_max)) {
    send_ack(this);  // acknowledges something never sent
    return;
  }
  uint32_t old_wnd = t.snd_wnd;
  if (t.sack_ok && seg.sack_count) tcp_note_sacks(seg);
  bool new_ack = seq_gt(seg.ack, t.snd_una);
  if (new_ack) {
    tcp_on_ack(seg, now);
  } else if (seg.ack == t.snd_una && seg.len == 0 && !(seg.flags & kFin) &&
             (seg.wnd << t.snd_wscale) == t.snd_wnd && tcp_in_flight() > 0) {
    tcp_on_dupack();
  }
  // Window update (RFC 9293 SND.WL1/WL2 rule).
  if (seq_lt(t.snd_wl1, seg.seq) || (t.snd_wl1 == seg.seq && seq_le(t.snd_wl2, seg.ack))) {
    t.snd_wnd = seg.wnd << t.snd_wscale;
    if (t.snd_wnd > t.max_snd_wnd) t.max_snd_wnd = t.snd_wnd;
    t.snd_wl1 = seg.seq;
    t.snd_wl2 = seg.ack;
    if (t.snd_wnd && !old_wnd) {
      t.t_persist = 0;
      t.backoff = 0;
    }
  }
  bool fin_acked = t.fin_queued && seq_gt(t.snd_una, t.fin_seq);
  switch (t.state) {
    case TcpState::FinWait1:
      if (fin_acked) {
        tcp_set_state(TcpState::FinWait2);
        if (user_closed_) {
          // An orphan waits for the peer's FIN no longer than this.
          t.t_wait = now + 60'000'000'000ull;
          st->note_timer(t.t_wait);
        }
      }
      break;
    case TcpState::Closing:
      if (fin_acked) {
        tcp_enter_time_wait();
        return;
      }
      break;
    case TcpState::LastAck:
      if (fin_acked) {
        tcp_set_state(TcpState::Closed);
        tcp_maybe_free();
        return;
      }
      break;
    case TcpState::TimeWait:
      if (seg.flags & kFin) {
        send_ack(this);
        tcp_enter_time_wait();  // restarts 2*MSL
      }
      return;
    default:
      break;
  }

  // Segment text (ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2).
  bool data_state = t.state == TcpState::Established || t.state == TcpState::FinWait1 ||
                    t.state == TcpState::FinWait2;
  if (data_state && !zero_wnd_probe) tcp_receive_data(seg);
  else if (data_state && seg.len) t.ack_now = true;  // probe: answer with our window
  if (tcb.state == TcpState::Closed) return;  // (cannot happen, defensive)
  tcp_output(false);
}

// Data and FIN of an acceptable segment.
void Socket::tcp_receive_data(const TcpSegment& seg) {
  Tcb& t = tcb;
  uint32_t seq = seg.seq;
  const uint8_t* data = seg.data;
  uint32_t len = seg.len;
  bool fin = seg.flags & kFin;
  // Trim what we already have.
  if (seq_lt(seq, t.rcv_nxt)) {
    uint32_t skip = t.rcv_nxt - seq;
    if (skip >= len) {
      // Pure duplicate (or up to its FIN).
      if (fin && skip == len) {
        len = 0;
        seq = t.rcv_nxt;
      } else {
        t.ack_now = true;
        return;
      }
    } else {
      data += skip;
      len -= skip;
      seq = t.rcv_nxt;
    }
  }
  // Trim to the window.
  uint32_t wnd = tcp_rcv_window();
  uint32_t room = seq_lt(seq, t.rcv_nxt + wnd) ? t.rcv_nxt + wnd - seq : 0;
  if (len > room) {
    len = room;
    fin = false;
  }
  if (len && shut_rd_) {
    // Read side shut: data is acknowledged and dropped, as on Linux.
    if (seq == t.rcv_nxt) t.rcv_nxt += len;
    t.ack_now = true;
    len = 0;
  }
  if (len) {
    uint32_t off = seq - t.rcv_nxt;
    if (!rcv_.store(off, data, len)) {
      t.ack_now = true;  // no memory: the peer will retransmit
      return;
    }
    if (off == 0) {
      rcv_.commit(len);
      t.rcv_nxt += len;
      bool had_ooo = t.ooo_count > 0;
      // Gaps behind this data may close now.
      while (t.ooo_count && seq_le(t.ooo[0].start, t.rcv_nxt)) {
        if (seq_gt(t.ooo[0].end, t.rcv_nxt)) {
          rcv_.commit(t.ooo[0].end - t.rcv_nxt);
          t.rcv_nxt = t.ooo[0].end;
        }
        for (size_t i = 1; i < t.ooo_count; i++) t.ooo[i - 1] = t.ooo[i];
        t.ooo_count--;
      }
      if (had_ooo) t.ack_now = true;
      // Delayed ACK: every second full segment, or when the timer fires.
      if (++t.unacked_segs >= 2 || len < t.mss / 2) {
        if (t.unacked_segs >= 2) t.ack_now = true;
      }
      if (!t.ack_now && !t.t_delack) {
        t.t_delack = stack_->now() + stack_->config().delack_ns;
        stack_->note_timer(t.t_delack);
      }
      wake();
    } else {
      tcp_add_ooo(seq, seq + len);
      t.ack_now = true;  // a duplicate ACK with SACK tells the sender
    }
  }
  if (fin && seq + len == t.rcv_nxt) {
    t.rcv_nxt++;
    t.fin_received = true;
    t.ack_now = true;
    switch (t.state) {
      case TcpState::Established:
        tcp_set_state(TcpState::CloseWait);
        break;
      case TcpState::FinWait1:
        // Our FIN is not acknowledged yet (that case went to FIN_WAIT_2).
        tcp_set_state(TcpState::Closing);
        break;
      case TcpState::FinWait2:
        tcp_output(true);
        tcp_enter_time_wait();
        return;
      default:
        break;
    }
    wake();
  }
}

// Records [start, end) as received out of order, merging neighbours.
void Socket::tcp_add_ooo(uint32_t start, uint32_t end) {
  Tcb& t = tcb;
  t.last_sack_start = start;
  size_t i = 0;
  while (i < t.ooo_count && seq_lt(t.ooo[i].end, start)) i++;
  // Merge every range overlapping or touching [start, end).
  size_t j = i;
  while (j < t.ooo_count && seq_le(t.ooo[j].start, end)) {
    if (seq_lt(t.ooo[j].start, start)) start = t.ooo[j].start;
    if (seq_gt(t.ooo[j].end, end)) end = t.ooo[j].end;
    j++;
  }
  if (j > i) {
    t.ooo[i] = {start, end};
    for (size_t k = j; k < t.ooo_count; k++) t.ooo[i + 1 + k - j] = t.ooo[k];
    t.ooo_count -= j - i - 1;
  } else {
    if (t.ooo_count == Tcb::kMaxOoo) {
      // Out of slots: forget the highest range (its bytes are re-sent).
      if (i == t.ooo_count) return;
      t.ooo_count--;
    }
    for (size_t k = t.ooo_count; k > i; k--) t.ooo[k] = t.ooo[k - 1];
    t.ooo[i] = {start, end};
    t.ooo_count++;
  }
  t.last_sack_start = start;
}

}  // namespace kiln::net
