// TCP output: segment building (options per RFC 7323 and RFC 2018), the
// send decision (Nagle, sender silly-window avoidance, congestion and peer
// windows), ACK processing with NewReno (RFC 5681, RFC 6582) and RTO
// estimation (RFC 6298).
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint8_t kRcvWscale = 7;  // fits windows up to 8 MiB (Linux picks 7 too)

// Drops scoreboard ranges the cumulative ACK has passed.
void prune_sacks(Tcb& t) {
  size_t k = 0;
  while (k < t.sacked_count && seq_le(t.sacked[k].end, t.snd_una)) k++;
  for (size_t m = k; m < t.sacked_count; m++) t.sacked[m - k] = t.sacked[m];
  t.sacked_count -= k;
  if (t.sacked_count && seq_lt(t.sacked[0].start, t.snd_una)) t.sacked[0].start = t.snd_una;
}

}  // namespace

uint32_t Socket::tcp_ts_now() const {
  return uint32_t(stack_->now() / 1'000'000) + tcb.ts_offset;
}

uint32_t Socket::tcp_rcv_window() const {
  size_t lim = rcv_.limit(), used = rcv_.size();
  return used >= lim ? 0 : uint32_t(lim - used);
}

void Socket::tcp_init_conn(uint16_t peer_mss) {
  Tcb& t = tcb;
  const StackConfig& c = stack_->config();
  // Our MSS follows the outgoing interface's MTU.
  uint32_t mtu = 1500;
  bool v6 = remote_.addr.v6;
  if (stack_->is_local(remote_.addr)) {
    mtu = 65535;
  } else {
    for (Interface* i = stack_->first_interface(); i; i = stack_->next_interface(i))
      if (!i->loopback() && (v6 ? i->ip6_owns(local_.addr.a6)
                                : (i->has_ip4() && i->ip == local_.addr.a4)))
        mtu = i->mtu;
  }
  uint32_t adv = mtu - (v6 ? 60 : 40);
  if (adv > 65495) adv = 65495;
  if (user_mss_ && user_mss_ < adv) adv = user_mss_;
  t.adv_mss = uint16_t(adv);
  uint32_t m = peer_mss ? peer_mss : 536;
  if (m > adv) m = adv;
  if (m < 64) m = 64;  // a tiny MSS option would make us send 1-byte segments
  t.mss = uint16_t(m);
  // Window scaling is offered in every SYN we send and in force only when
  // both SYNs carried it (RFC 7323 §2.2).
  if (t.state == TcpState::Closed && peer_mss == 0) {
    t.rcv_wscale = kRcvWscale;  // active open: the answer is still to come
  } else {
    t.rcv_wscale = t.wscale_ok ? kRcvWscale : 0;
    if (!t.wscale_ok) t.snd_wscale = 0;
  }
  t.rto = c.rto_initial_ns;
  uint32_t iw = 10 * t.mss;  // RFC 6928
  t.cwnd = iw;
  t.ssthresh = 0xffffffff;
}

uint32_t Socket::tcp_opt_len(bool syn) const {
  const Tcb& t = tcb;
  if (syn) return 20;  // MSS 4, NOP+WS 4, SACK_PERM 2 + TS 10
  uint32_t n = t.ts_ok ? 12 : 0;
  if (t.sack_ok && t.ooo_count) {
    size_t blocks = t.ooo_count > (t.ts_ok ? 3u : 4u) ? (t.ts_ok ? 3u : 4u) : t.ooo_count;
    n += 4 + 8 * uint32_t(blocks);
  }
  return n;
}

void Socket::tcp_send_segment(uint32_t seq, uint32_t len, uint8_t flags, bool syn_opts) {
  Tcb& t = tcb;
  Stack* st = stack_;
  uint32_t optlen = tcp_opt_len(syn_opts);
  Packet* p = Packet::create(20 + optlen + len);
  if (!p) return;
  uint8_t* h = p->data();
  memset(h, 0, 20 + optlen);
  put16(h, local_.port);
  put16(h + 2, remote_.port);
  put32(h + 4, seq);
  bool ack = t.state != TcpState::SynSent || (flags & kAck);
  if (t.state == TcpState::SynSent && !(flags & kAck)) ack = false;
  put32(h + 8, ack ? t.rcv_nxt : 0);
  h[12] = uint8_t(((20 + optlen) / 4) << 4);
  h[13] = uint8_t(flags | (ack ? kAck : 0));
  // Window: never shrink the right edge we advertised.
  uint32_t wnd = tcp_rcv_window();
  if (seq_gt(t.rcv_adv, t.rcv_nxt) && t.rcv_adv - t.rcv_nxt > wnd) wnd = t.rcv_adv - t.rcv_nxt;
  uint32_t field;
  if (flags & kSyn)
    field = wnd > 65535 ? 65535 : wnd;
  else {
    field = wnd >> t.rcv_wscale;
    if (field > 65535) field = 65535;
  }
  put16(h + 14, uint16_t(field));
  uint32_t right = t.rcv_nxt + ((flags & kSyn) ? field : field << t.rcv_wscale);
  if (seq_gt(right, t.rcv_adv) || t.state == TcpState::SynSent ||
      t.state == TcpState::SynReceived)
    t.rcv_adv = right;
  uint8_t* o = h + 20;
  if (syn_opts) {
    o[0] = 2;
    o[1] = 4;
    put16(o + 2, t.adv_mss);
    // Offer (SYN) or accept (SYN-ACK) each option only as negotiated.
    bool active = t.state == TcpState::SynSent;
    o[4] = 1;
    if (active || t.wscale_ok) {
      o[5] = 3;
      o[6] = 3;
      o[7] = t.rcv_wscale;
    } else {
      o[5] = o[6] = o[7] = 1;
    }
    if ((active && stack_->config().tcp_sack) || t.sack_ok) {
      o[8] = 4;
      o[9] = 2;
    } else {
      o[8] = o[9] = 1;
    }
    if (active || t.ts_ok) {
      o[10] = 8;
      o[11] = 10;
      put32(o + 12, tcp_ts_now());
      put32(o + 16, t.ts_ok ? t.ts_recent : 0);
    } else {
      memset(o + 10, 1, 10);
    }
  } else {
    if (t.ts_ok) {
      o[0] = o[1] = 1;
      o[2] = 8;
      o[3] = 10;
      put32(o + 4, tcp_ts_now());
      put32(o + 8, t.ts_recent);
      o += 12;
    }
    if (t.sack_ok && t.ooo_count) {
      size_t max = t.ts_ok ? 3 : 4;
      size_t n = t.ooo_count < max ? t.ooo_count : max;
      o[0] = o[1] = 1;
      o[2] = 5;
      o[3] = uint8_t(2 + 8 * n);
      // The block holding the most recent arrival goes first (RFC 2018 §4).
      size_t first = 0;
      for (size_t i = 0; i < t.ooo_count; i++)
        if (seq_le(t.ooo[i].start, t.last_sack_start) && seq_lt(t.last_sack_start, t.ooo[i].end))
          first = i;
      size_t k = 0;
      put32(o + 4, t.ooo[first].start);
      put32(o + 8, t.ooo[first].end);
      k++;
      for (size_t i = 0; i < t.ooo_count && k < n; i++) {
        if (i == first) continue;
        put32(o + 4 + 8 * k, t.ooo[i].start);
        put32(o + 8 + 8 * k, t.ooo[i].end);
        k++;
      }
    }
  }
  if (len) snd_.peek(seq - t.snd_base, h + 20 + optlen, len);
  size_t total = 20 + optlen + len;
  uint32_t seg_payload = t.mss > optlen + 32 ? t.mss - optlen : 32;
  if (!syn_opts && len > seg_payload) {
    // A large segment for the device to cut (tcp_output asked for it):
    // the checksum field holds the pseudo-header's sum, the device the rest.
    p->tso_mss = uint16_t(seg_payload);
    put16(h + 16, uint16_t(~csum_fold(pseudo_sum(local_.addr, remote_.addr, kIPPROTO_TCP, total))));
  } else {
    put16(h + 16, csum_fold(csum_add(pseudo_sum(local_.addr, remote_.addr, kIPPROTO_TCP, total), h, total)));
  }
  if (ack) {
    t.last_ack_sent = t.rcv_nxt;
    t.ack_now = false;
    t.unacked_segs = 0;
    t.t_delack = 0;
  }
  st->stats.tcp_out++;
  // A segment that cannot leave is lost like a dropped frame: retransmission
  // covers it.
  (void)st->ip_output(p, local_.addr, remote_.addr, kIPPROTO_TCP, tos_, ttl_);
}

// Sends what the windows allow. Returns whether anything was sent.
bool Socket::tcp_output(bool force_ack) {
  Tcb& t = tcb;
  switch (t.state) {
    case TcpState::Established:
    case TcpState::CloseWait:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::Closing:
    case TcpState::LastAck:
    case TcpState::TimeWait:
      break;
    default:
      return false;
  }
  bool sent = false;
  uint32_t data_end = t.snd_base + uint32_t(snd_.size());
  // With segmentation offload on the route, what the windows allow leaves
  // as one large segment of whole MSS-sized pieces, which the device cuts.
  // The route is looked up only when there is that much to send (not for
  // every ACK).
  constexpr size_t kNotLooked = ~size_t(0);
  size_t tso = kNotLooked;
  size_t ip_hdr = remote_.addr.v6 ? 40 : 20;
  for (int guard = 0; guard < 1024; guard++) {
    if (t.state == TcpState::TimeWait || t.state == TcpState::FinWait2) break;
    if (seq_lt(t.snd_nxt, t.snd_base)) t.snd_nxt = t.snd_base;  // after the SYN
    uint32_t avail = seq_lt(t.snd_nxt, data_end) ? data_end - t.snd_nxt : 0;
    uint32_t wnd = t.snd_wnd < t.cwnd ? t.snd_wnd : t.cwnd;
    uint32_t flight = t.snd_nxt - t.snd_una;
    uint32_t usable = wnd > flight ? wnd - flight : 0;
    uint32_t mss = t.mss - tcp_opt_len(false);
    if (int32_t(mss) < 32) mss = 32;
    uint32_t len = avail < usable ? avail : usable;
    uint32_t seg_max = mss;
    if (len >= 2 * mss && tso == kNotLooked) tso = stack_->tso_limit(remote_.addr);
    if (len >= 2 * mss && tso > ip_hdr + 20 + 12) {
      size_t room = tso - ip_hdr - 20 - (t.mss - mss);  // minus the options
      uint32_t big = len < room ? len : uint32_t(room);
      seg_max = big - big % mss;
    }
    if (len > seg_max) len = seg_max;
    bool fin = t.fin_queued && t.snd_nxt + len == t.fin_seq && len == avail &&
               seq_le(t.snd_nxt, t.fin_seq);
    bool go = false;
    if (len) {
      if (len >= mss) go = true;
      else if (len == avail && (nodelay_ || flight == 0 || fin)) go = true;  // Nagle
      else if (t.max_snd_wnd && len >= t.max_snd_wnd / 2) go = true;
      else if (len == avail && seq_lt(t.snd_nxt, t.snd_max)) go = true;  // retransmission
    } else if (fin && (usable || flight == 0 || t.snd_wnd == 0 || seq_lt(t.snd_nxt, t.snd_max))) {
      go = true;  // a FIN needs no window
    }
    if (!go) break;
    uint8_t flags = kAck;
    if (len && len == avail) flags |= kPsh;
    if (fin) flags |= kFin;
    bool rexmit = seq_lt(t.snd_nxt, t.snd_max);
    if (rexmit) stack_->stats.tcp_rexmit++;
    // Time one segment at a time when there are no timestamps (Karn).
    if (!t.ts_ok && !rexmit && !t.rtt_start && len) {
      t.rtt_start = stack_->now() ? stack_->now() : 1;
      t.rtt_seq = t.snd_nxt;
    }
    tcp_send_segment(t.snd_nxt, len, flags, false);
    sent = true;
    t.snd_nxt += len + (fin ? 1 : 0);
    if (seq_gt(t.snd_nxt, t.snd_max)) t.snd_max = t.snd_nxt;
    if (!t.t_rexmit) tcp_arm_rexmit(true);
    t.t_persist = 0;
    if (fin) break;
  }
  // Zero window with data waiting and nothing in flight: probe.
  uint32_t pending = seq_lt(t.snd_nxt, data_end) ? data_end - t.snd_nxt : 0;
  if (t.snd_wnd == 0 && (pending || (t.fin_queued && seq_le(t.snd_nxt, t.fin_seq))) &&
      t.snd_max == t.snd_una && !t.t_persist) {
    uint64_t d = t.rto ? t.rto : stack_->config().rto_initial_ns;
    t.t_persist = stack_->now() + d;
    t.t_rexmit = 0;
    stack_->note_timer(t.t_persist);
  }
  if (!sent && (force_ack || t.ack_now)) {
    tcp_send_segment(t.snd_max, 0, kAck, false);
    sent = true;
  }
  return sent;
}

void Socket::tcp_rtt_sample(uint64_t r) {
  Tcb& t = tcb;
  const StackConfig& c = stack_->config();
  if (!t.rtt_valid) {
    t.srtt = r;
    t.rttvar = r / 2;
    t.rtt_valid = true;
  } else {
    uint64_t diff = t.srtt > r ? t.srtt - r : r - t.srtt;
    t.rttvar = (3 * t.rttvar + diff) / 4;
    t.srtt = (7 * t.srtt + r) / 8;
  }
  uint64_t var = 4 * t.rttvar;
  if (var < 1'000'000) var = 1'000'000;  // clock granularity G: 1 ms
  t.rto = t.srtt + var;
  if (t.rto < c.rto_min_ns) t.rto = c.rto_min_ns;
  if (t.rto > c.rto_max_ns) t.rto = c.rto_max_ns;
}

void Socket::tcp_on_ack(const TcpSegment& seg, uint64_t now) {
  Tcb& t = tcb;
  uint32_t acked = seg.ack - t.snd_una;
  // RTT (RFC 7323 §4.1 with timestamps, else the one timed segment).
  if (t.ts_ok && seg.has_ts && seg.ts_ecr) {
    uint32_t ms = tcp_ts_now() - seg.ts_ecr;
    if (ms < 600'000) tcp_rtt_sample(uint64_t(ms ? ms : 1) * 1'000'000);
  } else if (t.rtt_start && seq_gt(seg.ack, t.rtt_seq)) {
    tcp_rtt_sample(now - t.rtt_start);
    t.rtt_start = 0;
  }
  t.backoff = 0;
  // Release acknowledged bytes from the send ring (not the SYN or FIN).
  uint32_t data_end = t.snd_base + uint32_t(snd_.size());
  uint32_t upto = seq_lt(seg.ack, data_end) ? seg.ack : data_end;
  if (seq_gt(upto, t.snd_base)) {
    snd_.consume(upto - t.snd_base);
    t.snd_base = upto;
  }
  uint32_t mss = t.mss;
  if (t.in_recovery) {
    if (seq_ge(seg.ack, t.recover)) {
      // Full acknowledgment: leave recovery (RFC 6582 §3.2 step 3).
      uint32_t flight = t.snd_max - seg.ack;
      t.cwnd = t.ssthresh < flight + mss ? t.ssthresh : flight + mss;
      t.in_recovery = false;
      t.dupacks = 0;
    } else {
      // Partial acknowledgment: resend the next hole, deflate.
      t.snd_una = seg.ack;
      prune_sacks(t);
      if (seq_lt(t.sack_next, t.snd_una) || !t.sack_ok) tcp_resend_first();
      else tcp_resend_hole();
      t.cwnd = t.cwnd > acked ? t.cwnd - acked : 0;
      t.cwnd += mss;
      if (t.cwnd < mss) t.cwnd = mss;
      tcp_arm_rexmit(true);
      wake();
      return;
    }
  } else {
    t.dupacks = 0;
    if (t.cwnd < t.ssthresh)
      t.cwnd += acked < mss ? acked : mss;  // slow start
    else
    {
      uint32_t inc = uint32_t(uint64_t(mss) * mss / (t.cwnd ? t.cwnd : 1));
      t.cwnd += inc ? inc : 1;  // congestion avoidance
    }
  }
  if (t.cwnd > (1u << 30)) t.cwnd = 1u << 30;
  t.snd_una = seg.ack;
  prune_sacks(t);
  if (seq_lt(t.snd_nxt, t.snd_una)) t.snd_nxt = t.snd_una;
  if (t.snd_una == t.snd_max) {
    t.t_rexmit = 0;
  } else {
    tcp_arm_rexmit(true);
  }
  wake();
}

// Retransmits the first unacknowledged segment (fast retransmit, partial
// ACKs), leaving snd_nxt where it is.
void Socket::tcp_resend_first() {
  Tcb& t = tcb;
  uint32_t data_end = t.snd_base + uint32_t(snd_.size());
  uint32_t len = seq_lt(t.snd_una, data_end) ? data_end - t.snd_una : 0;
  uint32_t lim = t.mss - tcp_opt_len(false);
  if (len > lim) len = lim;
  bool fin = t.fin_queued && t.snd_una + len == t.fin_seq;
  if (!len && !fin) return;
  stack_->stats.tcp_rexmit++;
  tcp_send_segment(t.snd_una, len, kAck | (fin ? kFin : 0), false);
  if (seq_lt(t.sack_next, t.snd_una + len)) t.sack_next = t.snd_una + len;
}

// Merges the peer's SACK blocks into the scoreboard. Blocks outside
// (snd_una, snd_max] are lies or stale and are ignored.
void Socket::tcp_note_sacks(const TcpSegment& seg) {
  Tcb& t = tcb;
  for (size_t k = 0; k < seg.sack_count; k++) {
    uint32_t s = seg.sack[k][0], e = seg.sack[k][1];
    if (!seq_lt(s, e) || seq_le(s, t.snd_una) || seq_gt(e, t.snd_max)) continue;
    size_t i = 0;
    while (i < t.sacked_count && seq_lt(t.sacked[i].end, s)) i++;
    size_t j = i;
    while (j < t.sacked_count && seq_le(t.sacked[j].start, e)) {
      if (seq_lt(t.sacked[j].start, s)) s = t.sacked[j].start;
      if (seq_gt(t.sacked[j].end, e)) e = t.sacked[j].end;
      j++;
    }
    if (j > i) {
      t.sacked[i] = {s, e};
      for (size_t m = j; m < t.sacked_count; m++) t.sacked[i + 1 + m - j] = t.sacked[m];
      t.sacked_count -= j - i - 1;
    } else if (t.sacked_count < Tcb::kMaxOoo) {
      for (size_t m = t.sacked_count; m > i; m--) t.sacked[m] = t.sacked[m - 1];
      t.sacked[i] = {s, e};
      t.sacked_count++;
    }
  }
}

// During recovery, resends the next hole below the highest SACKed byte
// that this recovery has not resent yet (RFC 6675's NextSeg, rule 1).
// Returns whether it sent one.
bool Socket::tcp_resend_hole() {
  Tcb& t = tcb;
  if (!t.sacked_count) return false;
  uint32_t seq = seq_lt(t.sack_next, t.snd_una) ? t.snd_una : t.sack_next;
  uint32_t top = t.sacked[t.sacked_count - 1].end;
  for (size_t i = 0; i < t.sacked_count && seq_lt(seq, top); i++) {
    const Tcb::Range& r = t.sacked[i];
    if (seq_ge(seq, r.end)) continue;
    if (seq_ge(seq, r.start)) {
      seq = r.end;  // held by the peer: skip
      continue;
    }
    uint32_t data_end = t.snd_base + uint32_t(snd_.size());
    uint32_t len = r.start - seq;
    uint32_t lim = t.mss - tcp_opt_len(false);
    if (len > lim) len = lim;
    if (seq_gt(seq + len, data_end)) len = seq_lt(seq, data_end) ? data_end - seq : 0;
    if (!len) return false;
    stack_->stats.tcp_rexmit++;
    tcp_send_segment(seq, len, kAck, false);
    t.sack_next = seq + len;
    return true;
  }
  return false;
}

void Socket::tcp_on_dupack() {
  Tcb& t = tcb;
  uint32_t mss = t.mss;
  if (t.in_recovery) {
    t.cwnd += mss;  // each dup ACK: one more segment left the network
    if (t.sack_ok) tcp_resend_hole();
    return;
  }
  if (++t.dupacks != 3) return;
  // RFC 6582 §4.1: duplicate ACKs for data sent before a timeout do not
  // start another recovery.
  if (t.after_rto && seq_le(t.snd_una, t.recover)) return;
  t.after_rto = false;
  uint32_t flight = t.snd_max - t.snd_una;
  t.ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
  t.recover = t.snd_max;
  t.in_recovery = true;
  t.sack_next = t.snd_una;
  tcp_resend_first();
  t.rtt_start = 0;
  t.cwnd = t.ssthresh + 3 * mss;
  tcp_arm_rexmit(true);
}

}  // namespace kiln::net
