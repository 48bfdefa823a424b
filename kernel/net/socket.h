// A socket of the stack: UDP or TCP over IPv4. The kernel's socket layer
// wraps one per file; every call is non-blocking, returns 0 / a byte count
// or -errno (Linux values), and blocking is built by the kernel on top of
// events() and the wakeup callback. README.md is the reference.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/errno.h"
#include "abi/linux/in.h"
#include "abi/linux/poll.h"
#include "abi/linux/socket.h"
#include "abi/linux/tcp.h"
#include "lib/list.h"
#include "net/addr.h"
#include "lib/fallible.h"
#include "net/byte_ring.h"
#include "net/packet.h"

namespace kiln::net {

class Stack;
class Interface;

enum class TcpState : uint8_t {
  Closed, Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing,
  LastAck, TimeWait,
};
const char* tcp_state_name(TcpState s);

// Whether sockets bound to A and B (any addresses of different families)
// stay out of each other's way: an IPv4 address and an IPv6 one meet only
// in a dual-stack socket, so an IPV6_V6ONLY :: leaves the port free on
// 0.0.0.0, as on Linux (redis binds both).
inline bool families_apart(const IpAddr& a, bool a_v6only, const IpAddr& b, bool b_v6only) {
  if (a.v6 == b.v6) return false;
  return a.v6 ? a_v6only : b_v6only;
}

// Sequence-number comparisons modulo 2^32.
inline bool seq_lt(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
inline bool seq_le(uint32_t a, uint32_t b) { return int32_t(a - b) <= 0; }
inline bool seq_gt(uint32_t a, uint32_t b) { return int32_t(a - b) > 0; }
inline bool seq_ge(uint32_t a, uint32_t b) { return int32_t(a - b) >= 0; }

struct TcpSegment;

// The TCP control block (RFC 9293 names).
struct Tcb {
  TcpState state = TcpState::Closed;
  uint32_t iss = 0, snd_una = 0, snd_nxt = 0, snd_max = 0, snd_wl1 = 0, snd_wl2 = 0;
  uint32_t snd_wnd = 0, max_snd_wnd = 0;
  uint32_t irs = 0, rcv_nxt = 0, rcv_adv = 0;  // rcv_adv: right edge last advertised
  uint32_t snd_base = 0;   // sequence number of the send ring's first byte
  uint32_t fin_seq = 0;    // our FIN's number once queued
  bool fin_queued = false, fin_received = false;
  uint8_t snd_wscale = 0, rcv_wscale = 0;
  bool wscale_ok = false, ts_ok = false, sack_ok = false;
  uint16_t mss = 536;      // segment size we send (peer's MSS option, path)
  uint16_t adv_mss = 1460; // MSS we announced
  uint32_t ts_recent = 0, ts_offset = 0, last_ack_sent = 0;
  // RFC 6298.
  uint64_t srtt = 0, rttvar = 0, rto = 0;
  bool rtt_valid = false;
  uint32_t rtt_seq = 0;
  uint64_t rtt_start = 0;  // 0: no segment timed
  uint32_t backoff = 0;    // consecutive timeouts
  // Congestion control: NewReno (RFC 5681, 6582).
  uint32_t cwnd = 0, ssthresh = 0xffffffff, dupacks = 0, recover = 0;
  bool in_recovery = false, after_rto = false;
  // Receive: out-of-order ranges past rcv_nxt, sorted, [start, end).
  static constexpr size_t kMaxOoo = 8;
  struct Range {
    uint32_t start, end;
  };
  Range ooo[kMaxOoo];
  size_t ooo_count = 0;
  uint32_t last_sack_start = 0;  // the block to report first (RFC 2018)
  // Send side: what the peer's SACK blocks say it holds above snd_una,
  // sorted and merged, and how far this recovery has resent holes.
  Range sacked[kMaxOoo];
  size_t sacked_count = 0;
  uint32_t sack_next = 0;
  // Timers (absolute ns; 0: stopped).
  uint64_t t_rexmit = 0, t_delack = 0, t_persist = 0, t_keep = 0, t_wait = 0;
  uint32_t keep_probes = 0;
  uint32_t unacked_segs = 0;  // received full segments not yet acknowledged
  bool ack_now = false;
  uint64_t last_rx = 0;       // for keepalive idleness
};

class Socket : public Fallible {
 public:
  using Wakeup = void (*)(void* ctx, Socket* s);

  // --- The API for the kernel's socket layer (README.md). ---
  // Called (with ctx) whenever events() may have changed. It may wake
  // threads but must not call back into the stack.
  void set_wakeup(Wakeup fn, void* ctx) {
    wakeup_ = fn;
    wakeup_ctx_ = ctx;
  }
  // kEpoll* bits as Linux's poll would report them.
  uint32_t events() const;
  [[nodiscard]] long bind(const Endpoint& ep);
  [[nodiscard]] long listen(int backlog);
  // A connection from the accept queue (its wakeup unset) or -EAGAIN.
  [[nodiscard]] long accept(Socket** out, Endpoint* peer);
  // TCP: -EINPROGRESS, then events() turns OUT (connected) or ERR (see
  // SO_ERROR). UDP: sets the default destination at once.
  [[nodiscard]] long connect(const Endpoint& ep, uint64_t now_ns);
  // Bytes taken from src (maybe fewer), or -errno (-EAGAIN when no buffer
  // space, -EPIPE after shutdown). `to` only for unconnected UDP.
  [[nodiscard]] long send(ByteSource& src, int flags, const Endpoint* to, uint64_t now_ns);
  // Bytes delivered, 0 at end of stream, or -errno (-EAGAIN when nothing is
  // queued). UDP: one datagram; returns its full length with kMsgTrunc,
  // and sets kMsgTrunc in *msg_flags when it did not fit.
  [[nodiscard]] long recv(ByteSink& dst, int flags, Endpoint* from, uint64_t now_ns, int* msg_flags = nullptr);
  [[nodiscard]] long shutdown(int how, uint64_t now_ns);
  // connect() to an AF_UNSPEC address: UDP forgets its peer; TCP aborts
  // (RST) and the socket may connect again.
  [[nodiscard]] long disconnect(uint64_t now_ns);
  // Releases the socket: the kernel must not touch it afterwards. TCP goes
  // on closing in the background (FIN, TIME_WAIT); SO_LINGER 0 resets.
  void close(uint64_t now_ns);
  [[nodiscard]] long local_name(Endpoint* out) const;
  [[nodiscard]] long peer_name(Endpoint* out) const;
  [[nodiscard]] long set_option(int level, int name, const void* val, size_t len);
  [[nodiscard]] long get_option(int level, int name, void* val, size_t* len);
  // FIONREAD: bytes readable (UDP: the next datagram's size).
  size_t rx_available() const;
  // TIOCOUTQ and SO_LINGER with a timeout: bytes sent but not acknowledged
  // (plus unsent); 0 when everything, FIN included, is acknowledged.
  size_t tx_pending() const;
  int family() const { return family_; }
  int type() const { return stream_ ? kSOCK_STREAM : kSOCK_DGRAM; }
  TcpState tcp_state() const { return tcb.state; }
  bool linger_enabled() const { return linger_on_; }
  int linger_seconds() const { return linger_s_; }
  // SO_BINDTODEVICE: send broadcasts through, and take datagrams only from,
  // this interface (nullptr: any).
  void bind_device(Interface* ifc) { device_ = ifc; }

  // --- Below: the stack's own. ---
  Socket(Stack* st, int family, bool stream);
  ~Socket();
  void wake();
  // TCP (tcp_input.cpp, tcp_output.cpp, tcp_timer.cpp).
  void tcp_segment(const TcpSegment& seg);
  bool tcp_output(bool force_ack = false);
  void tcp_send_segment(uint32_t seq, uint32_t len, uint8_t flags, bool syn_opts);
  void tcp_timers(uint64_t now);
  uint64_t tcp_next_timer() const;
  void tcp_set_state(TcpState s);
  void tcp_abort(int err, bool send_rst);
  void tcp_enter_time_wait();
  void tcp_arm_rexmit(bool restart);
  void tcp_icmp_error(int err, bool hard);
  uint32_t tcp_rcv_window() const;
  uint32_t tcp_in_flight() const { return tcb.snd_max - tcb.snd_una; }
  void tcp_init_conn(uint16_t peer_mss);
  void tcp_maybe_free();
  void tcp_receive_data(const TcpSegment& seg);
  void tcp_add_ooo(uint32_t start, uint32_t end);
  void tcp_on_ack(const TcpSegment& seg, uint64_t now);
  void tcp_on_dupack();
  void tcp_resend_first();
  void tcp_note_sacks(const TcpSegment& seg);
  bool tcp_resend_hole();
  void tcp_rtt_sample(uint64_t rtt_ns);
  uint32_t tcp_opt_len(bool syn) const;
  uint32_t tcp_ts_now() const;
  bool rcv_shut() const { return fin_received_or_shut(); }
  bool fin_received_or_shut() const { return tcb.fin_received || shut_rd_ || reset_; }
  void udp_deliver(const Endpoint& from, const uint8_t* p, size_t len);
  void udp_icmp_error(int err) { error_ = err; wake(); }
  // Whether a socket bound to local_.addr takes packets addressed to `dst`:
  // 0.0.0.0 takes IPv4, :: both families unless IPV6_V6ONLY.
  bool accepts(const IpAddr& dst) const;
  // The wildcard address of the socket's family (0.0.0.0 or ::), port 0.
  Endpoint any_endpoint() const {
    return Endpoint{family_ == kAF_INET6 ? IpAddr::of(Ip6{}) : IpAddr::of(Ip4{}), 0};
  }

  Stack* stack_;
  int family_;
  bool stream_;
  Endpoint local_, remote_;
  bool bound_ = false, connected_ = false;
  bool addr_chosen_ = false, port_chosen_ = false;  // by bind(): a specific address, a port
  bool reuse_addr_ = false, reuse_port_ = false, keepalive_ = false, nodelay_ = false;
  bool linger_on_ = false, broadcast_ = false, v6only_ = false;
  int linger_s_ = 0;
  Interface* device_ = nullptr;
  uint32_t rcvbuf_, sndbuf_;
  uint32_t keep_idle_s_ = 7200, keep_intvl_s_ = 75, keep_cnt_ = 9;
  uint16_t user_mss_ = 0;
  uint8_t ttl_ = 0, tos_ = 0;
  int error_ = 0;  // SO_ERROR, cleared when read
  int soft_error_ = 0;  // ICMP news, reported if the connection times out
  bool user_closed_ = false;
  bool shut_rd_ = false, shut_wr_ = false;
  bool was_connected_ = false;  // reached ESTABLISHED once (for events())
  bool reset_ = false;

  // UDP receive queue.
  PacketList rxq_;
  size_t rxq_bytes_ = 0;
  // TCP.
  Tcb tcb;
  ByteRing snd_, rcv_;
  // Listening sockets: embryonic (SYN_RECEIVED) and accept-ready children.
  Socket* listener_ = nullptr;
  int backlog_ = 0;
  size_t syn_queued_ = 0;

  ListNode link;        // the stack's registry for this kind/state
  List<Socket, &Socket::link>* registry_ = nullptr;
  ListNode hash_node;   // TCP 4-tuple hash
  ListNode child_node;  // listener's accept queue
  // Accept queue, filled in the order connections complete.
  List<Socket, &Socket::child_node> accept_q_;
  bool in_accept_q_ = false;

 private:
  Wakeup wakeup_ = nullptr;
  void* wakeup_ctx_ = nullptr;
};

}  // namespace kiln::net
