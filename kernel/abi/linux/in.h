// Internet protocols, their socket options and address forms (linux/in.h,
// linux/in6.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr int kIPPROTO_IP = 0, kIPPROTO_ICMP = 1, kIPPROTO_TCP = 6, kIPPROTO_UDP = 17,
                     kIPPROTO_IPV6 = 41;

// Options at level IPPROTO_IP and IPPROTO_IPV6.
inline constexpr int kIP_TOS = 1, kIP_TTL = 2, kIPV6_V6ONLY = 26;

// Port and addresses are in network byte order.
struct SockaddrIn {
  uint16_t family;
  uint8_t port[2];
  uint8_t addr[4];
  uint8_t zero[8];
};
static_assert(sizeof(SockaddrIn) == 16);

struct SockaddrIn6 {
  uint16_t family;
  uint8_t port[2];
  uint32_t flowinfo;
  uint8_t addr[16];
  uint32_t scope_id;
};
static_assert(sizeof(SockaddrIn6) == 28);

}  // namespace kiln::inline abi
