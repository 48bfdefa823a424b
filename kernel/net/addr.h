// Addresses as the stack sees them, and their Linux sockaddr forms (the
// socket layer copies sockaddr_in / sockaddr_in6 bytes in and out of user
// memory; these helpers are the only code that reads or writes them, in the
// layout of abi/linux/in.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/in.h"
#include "abi/linux/socket.h"

namespace kiln::net {

// An IPv4 address in host byte order.
struct Ip4 {
  uint32_t v = 0;
  constexpr bool operator==(const Ip4&) const = default;
  bool any() const { return v == 0; }
  bool loopback() const { return (v >> 24) == 127; }
  bool multicast() const { return (v >> 28) == 0xe; }
  bool broadcast() const { return v == 0xffffffff; }
};
constexpr Ip4 ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return Ip4{uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | d};
}
inline uint32_t prefix_mask(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~0u << (32 - prefix);
}

// An IPv6 address, network byte order.
struct Ip6 {
  uint8_t b[16] = {};
  bool operator==(const Ip6& o) const;
  bool any() const;
  bool loopback() const;
  bool multicast() const { return b[0] == 0xff; }
  bool link_local() const { return b[0] == 0xfe && (b[1] & 0xc0) == 0x80; }
  // ::ffff:a.b.c.d, how an IPv6 socket names an IPv4 peer.
  bool v4_mapped() const;
  Ip4 v4() const;
  static Ip6 mapped(Ip4 a);
  // ff02::1:ffXX:XXXX, where neighbour solicitations for this address go.
  Ip6 solicited_node() const;
  bool same_prefix(const Ip6& o, int prefix) const;
};
constexpr Ip6 ip6_all_nodes() { return Ip6{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}; }
constexpr Ip6 ip6_all_routers() { return Ip6{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}}; }
constexpr Ip6 ip6_loopback() { return Ip6{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}; }

// Either family: what sockets bind to and talk to.
struct IpAddr {
  bool v6 = false;
  Ip4 a4;
  Ip6 a6;
  static IpAddr of(Ip4 a) { IpAddr r; r.a4 = a; return r; }
  static IpAddr of(const Ip6& a) { IpAddr r; r.v6 = true; r.a6 = a; return r; }
  bool any() const { return v6 ? a6.any() : a4.any(); }
  // An IPv4-mapped IPv6 address as the IPv4 address it stands for.
  IpAddr unmapped() const { return v6 && a6.v4_mapped() ? of(a6.v4()) : *this; }
  bool operator==(const IpAddr& o) const { return v6 == o.v6 && (v6 ? a6 == o.a6 : a4 == o.a4); }
};

struct Endpoint {
  IpAddr addr;
  uint16_t port = 0;  // host order
  bool operator==(const Endpoint& o) const { return port == o.port && addr == o.addr; }
};

// Reads a sockaddr_in (AF_INET) or sockaddr_in6 (AF_INET6); returns 0 or
// -EINVAL / -EAFNOSUPPORT. An AF_UNSPEC address (connect() to dissolve a UDP
// association) is reported as 1.
int endpoint_from_sockaddr(const void* sa, size_t len, Endpoint* out);
// Writes the sockaddr form for `family` (an IPv6 socket shows IPv4 peers as
// mapped addresses); returns the full length, copying at most `cap` bytes.
size_t endpoint_to_sockaddr(const Endpoint& ep, int family, void* sa, size_t cap);

// "a.b.c.d" into an address; false on anything else.
bool parse_ip4(const char* s, Ip4* out);
// Dotted text, at most 16 bytes with the NUL.
void format_ip4(Ip4 a, char* buf, size_t cap);
// RFC 5952 text ("fe80::1"), at most 40 bytes with the NUL.
void format_ip6(const Ip6& a, char* buf, size_t cap);
// IPv6 text, "::" shorthand included (no embedded IPv4 form).
bool parse_ip6(const char* s, Ip6* out);

}  // namespace kiln::net
