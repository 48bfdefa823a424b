// Declarations shared by the stack's own files; not part of the API.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "net/byte_ring.h"

namespace kiln::net {

class Socket;

// The TCP/UDP/ICMPv6 checksum's pseudo header, for either family.
uint32_t pseudo_sum(const IpAddr& src, const IpAddr& dst, uint8_t proto, size_t len);

[[nodiscard]] long udp_send(Socket* s, ByteSource& src, const Endpoint* to);
[[nodiscard]] long udp_recv(Socket* s, ByteSink& dst, int flags, Endpoint* from, int* msg_flags);

[[nodiscard]] long tcp_connect(Socket* s, const Endpoint& to);
[[nodiscard]] long tcp_listen(Socket* s, int backlog);
[[nodiscard]] long tcp_accept(Socket* s, Socket** out, Endpoint* peer);
[[nodiscard]] long tcp_send(Socket* s, ByteSource& src, int flags);
[[nodiscard]] long tcp_recv(Socket* s, ByteSink& dst, int flags);
[[nodiscard]] long tcp_shutdown(Socket* s, int how);
void tcp_close(Socket* s);
uint32_t tcp_events(const Socket* s);

// TCP flags.
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                         kUrg = 0x20;

// A parsed, validated incoming segment.
struct TcpSegment {
  Endpoint local, remote;
  uint32_t seq, ack;
  uint8_t flags;
  uint32_t wnd;  // unscaled
  const uint8_t* data;
  uint32_t len;  // payload bytes
  // Options.
  bool has_mss = false, has_wscale = false, sack_permitted = false, has_ts = false;
  uint16_t mss = 0;
  uint8_t wscale = 0;
  uint32_t ts_val = 0, ts_ecr = 0;
  // SACK blocks (RFC 2018), as received: [start, end).
  uint8_t sack_count = 0;
  uint32_t sack[4][2];
  uint32_t seg_len() const { return len + ((flags & kSyn) ? 1 : 0) + ((flags & kFin) ? 1 : 0); }
};

}  // namespace kiln::net
