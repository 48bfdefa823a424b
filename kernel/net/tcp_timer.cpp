// TCP timers and connection teardown: retransmission (RFC 6298 with
// exponential backoff), delayed ACK, zero-window probes, keepalive,
// TIME_WAIT and the orphaned FIN_WAIT_2 limit.
#include "abi/linux/errno.h"
#include "net/proto.h"
#include "net/stack.h"

namespace kiln::net {
namespace {

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kPersistMax = 60 * kSecond;

uint64_t earliest(uint64_t a, uint64_t b) {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

}  // namespace

void Socket::tcp_set_state(TcpState s) {
  if (s == TcpState::Established) {
    was_connected_ = true;
    if (keepalive_) {
      tcb.t_keep = stack_->now() + uint64_t(keep_idle_s_) * kSecond;
      stack_->note_timer(tcb.t_keep);
    }
  }
  if (tcb.state == TcpState::TimeWait && s != TcpState::TimeWait) stack_->time_wait_--;
  if (s == TcpState::TimeWait && tcb.state != TcpState::TimeWait) stack_->time_wait_++;
  tcb.state = s;
  wake();
}

uint64_t Socket::tcp_next_timer() const {
  const Tcb& t = tcb;
  return earliest(earliest(earliest(t.t_rexmit, t.t_delack), earliest(t.t_persist, t.t_keep)),
                  t.t_wait);
}

void Socket::tcp_arm_rexmit(bool restart) {
  Tcb& t = tcb;
  if (t.t_rexmit && !restart) return;
  uint64_t rto = t.rto ? t.rto : stack_->config().rto_initial_ns;
  for (uint32_t i = 0; i < t.backoff && rto < stack_->config().rto_max_ns; i++) rto *= 2;
  if (rto > stack_->config().rto_max_ns) rto = stack_->config().rto_max_ns;
  t.t_rexmit = stack_->now() + rto;
  stack_->note_timer(t.t_rexmit);
}

// Ends the connection: the user sees `err` (0: none) through SO_ERROR and
// the next call; with send_rst the peer is told (RFC 9293 ABORT).
void Socket::tcp_abort(int err, bool send_rst) {
  Tcb& t = tcb;
  bool synced = t.state != TcpState::Closed && t.state != TcpState::Listen &&
                t.state != TcpState::SynSent;
  if (send_rst && synced) stack_->tcp_send_reset(local_, remote_, t.snd_max, t.rcv_nxt, true);
  if (err) error_ = err;
  reset_ = true;
  t.t_rexmit = t.t_delack = t.t_persist = t.t_keep = t.t_wait = 0;
  tcp_set_state(TcpState::Closed);
  stack_->tcp_unhash(this);
  if (!listener_ || in_accept_q_) stack_->file(this, &stack_->tcp_bound());
  wake();
}

// A connection nobody holds any more is freed once it is CLOSED; embryonic
// ones (never accepted) too.
void Socket::tcp_maybe_free() {
  if (tcb.state != TcpState::Closed) return;
  if (user_closed_ || (listener_ && !in_accept_q_)) {
    stack_->destroy(this);
    return;
  }
  stack_->tcp_unhash(this);
  stack_->file(this, &stack_->tcp_bound());
}

void Socket::tcp_enter_time_wait() {
  Tcb& t = tcb;
  t.t_rexmit = t.t_delack = t.t_persist = t.t_keep = 0;
  tcp_set_state(TcpState::TimeWait);
  // Thousands of connections may wait here at once (a server closing each
  // one first): they keep their state, not their buffers; past the limit
  // they end at the next timer pass.
  snd_.release();
  rcv_.release();
  bool over = stack_->time_wait_ > stack_->config().max_time_wait;
  t.t_wait = stack_->now() + (over ? 0 : 2 * stack_->config().msl_ns);
  stack_->note_timer(t.t_wait);
}

void Socket::tcp_icmp_error(int err, bool hard) {
  Tcb& t = tcb;
  // Hard errors end a connection attempt; otherwise they are only reported
  // if the connection later times out (RFC 1122 §4.2.3.9).
  if (hard && (t.state == TcpState::SynSent || t.state == TcpState::SynReceived)) {
    tcp_abort(err, false);
    tcp_maybe_free();
    return;
  }
  soft_error_ = err;
}

void Socket::tcp_timers(uint64_t now) {
  Tcb& t = tcb;
  const StackConfig& c = stack_->config();
  if (t.t_wait && now >= t.t_wait) {
    // TIME_WAIT over, or an orphan stuck in FIN_WAIT_2.
    t.t_wait = 0;
    tcp_set_state(TcpState::Closed);
    if (!user_closed_) {
      // The user still holds it: it stays, CLOSED, until close().
      stack_->tcp_unhash(this);
      stack_->file(this, &stack_->tcp_bound());
      return;
    }
    tcp_maybe_free();
    return;
  }
  if (t.t_rexmit && now >= t.t_rexmit) {
    t.t_rexmit = 0;
    bool handshake = t.state == TcpState::SynSent || t.state == TcpState::SynReceived;
    uint32_t limit = handshake ? c.syn_retries : c.data_retries;
    if (t.backoff >= limit) {
      int err = soft_error_ ? soft_error_ : kETIMEDOUT;
      tcp_abort(err, !handshake);
      tcp_maybe_free();
      return;
    }
    t.backoff++;
    stack_->stats.tcp_timeouts++;
    t.rtt_start = 0;  // Karn: no samples from retransmitted segments
    if (handshake) {
      stack_->stats.tcp_rexmit++;
      tcp_send_segment(t.iss, 0, t.state == TcpState::SynSent ? kSyn : (kSyn | kAck), true);
    } else {
      // RFC 5681 §3.1 eq. 4 and go-back-N from the first unacknowledged byte.
      uint32_t flight = t.snd_max - t.snd_una;
      t.ssthresh = flight / 2 > 2u * t.mss ? flight / 2 : 2u * t.mss;
      t.cwnd = t.mss;
      t.in_recovery = false;
      t.dupacks = 0;
      t.recover = t.snd_max;
      t.after_rto = true;
      t.sacked_count = 0;  // RFC 2018 §8: forget SACK information after a timeout
      t.snd_nxt = t.snd_una;
      // A window that closed with data in flight still gets the first
      // segment again (RFC 9293 §3.8.6.1): the ACK brings the new window.
      if (!tcp_output(false)) tcp_resend_first();
    }
    tcp_arm_rexmit(true);
  }
  if (t.t_persist && now >= t.t_persist) {
    // Zero-window probe: an old sequence number makes the peer answer with
    // its current window.
    tcp_send_segment(t.snd_una - 1, 0, kAck, false);
    uint64_t d = (t.rto ? t.rto : c.rto_initial_ns) << (t.backoff < 10 ? t.backoff : 10);
    if (d > kPersistMax) d = kPersistMax;
    if (t.backoff < 16) t.backoff++;
    t.t_persist = now + d;
  }
  if (t.t_delack && now >= t.t_delack) {
    t.t_delack = 0;
    tcp_output(true);
  }
  if (t.t_keep && now >= t.t_keep) {
    t.t_keep = 0;
    if (keepalive_ && (t.state == TcpState::Established || t.state == TcpState::CloseWait)) {
      if (t.keep_probes >= keep_cnt_) {
        tcp_abort(kETIMEDOUT, true);
        tcp_maybe_free();
        return;
      }
      t.keep_probes++;
      tcp_send_segment(t.snd_una - 1, 0, kAck, false);
      t.t_keep = now + uint64_t(keep_intvl_s_) * kSecond;
    }
  }
}

}  // namespace kiln::net
