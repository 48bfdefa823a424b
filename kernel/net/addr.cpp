#include "net/addr.h"

#include "lib/format.h"
#include "lib/mem.h"
#include "net/bytes.h"
#include "net/errors.h"

namespace kiln::net {

bool Ip6::operator==(const Ip6& o) const { return memcmp(b, o.b, 16) == 0; }
bool Ip6::any() const {
  for (uint8_t x : b)
    if (x) return false;
  return true;
}
bool Ip6::loopback() const {
  for (int i = 0; i < 15; i++)
    if (b[i]) return false;
  return b[15] == 1;
}
bool Ip6::v4_mapped() const {
  for (int i = 0; i < 10; i++)
    if (b[i]) return false;
  return b[10] == 0xff && b[11] == 0xff;
}
Ip4 Ip6::v4() const { return Ip4{be32(b + 12)}; }
Ip6 Ip6::mapped(Ip4 a) {
  Ip6 r;
  r.b[10] = r.b[11] = 0xff;
  put32(r.b + 12, a.v);
  return r;
}

int endpoint_from_sockaddr(const void* sa, size_t len, Endpoint* out) {
  auto p = static_cast<const uint8_t*>(sa);
  if (len < 2) return -kEINVAL;
  uint16_t family = uint16_t(p[0] | p[1] << 8);  // sa_family is host (little) endian
  *out = Endpoint{};
  if (family == 0) return 1;
  if (family == kAfInet) {
    if (len < 16) return -kEINVAL;
    out->port = be16(p + 2);
    out->addr = IpAddr::of(Ip4{be32(p + 4)});
    return 0;
  }
  if (family == kAfInet6) {
    if (len < 24) return -kEINVAL;
    out->port = be16(p + 2);
    Ip6 a;
    memcpy(a.b, p + 8, 16);
    out->addr = IpAddr::of(a);
    return 0;
  }
  return -kEAFNOSUPPORT;
}

size_t endpoint_to_sockaddr(const Endpoint& ep, int family, void* sa, size_t cap) {
  uint8_t tmp[28] = {};
  size_t n;
  if (family == kAfInet6) {
    n = 28;
    tmp[0] = kAfInet6;
    put16(tmp + 2, ep.port);
    Ip6 a = ep.addr.v6 ? ep.addr.a6 : (ep.addr.a4.any() ? Ip6{} : Ip6::mapped(ep.addr.a4));
    memcpy(tmp + 8, a.b, 16);
  } else {
    n = 16;
    tmp[0] = kAfInet;
    put16(tmp + 2, ep.port);
    put32(tmp + 4, ep.addr.v6 ? ep.addr.a6.v4().v : ep.addr.a4.v);
  }
  memcpy(sa, tmp, n < cap ? n : cap);
  return n;
}

bool parse_ip4(const char* s, Ip4* out) {
  uint32_t v = 0;
  for (int part = 0; part < 4; part++) {
    if (*s < '0' || *s > '9') return false;
    uint32_t x = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
      x = x * 10 + uint32_t(*s++ - '0');
      if (++digits > 3 || x > 255) return false;
    }
    v = v << 8 | x;
    if (part < 3 && *s++ != '.') return false;
  }
  if (*s) return false;
  out->v = v;
  return true;
}

void format_ip4(Ip4 a, char* buf, size_t cap) {
  format(buf, cap, "%u.%u.%u.%u", a.v >> 24, (a.v >> 16) & 255, (a.v >> 8) & 255, a.v & 255);
}

}  // namespace kiln::net
