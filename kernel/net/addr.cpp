#include "net/addr.h"

#include "lib/format.h"
#include "lib/mem.h"
#include "net/bytes.h"
#include "abi/linux/errno.h"

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

Ip6 Ip6::solicited_node() const {
  Ip6 r{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0}};
  r.b[13] = b[13];
  r.b[14] = b[14];
  r.b[15] = b[15];
  return r;
}

bool Ip6::same_prefix(const Ip6& o, int prefix) const {
  for (int i = 0; i < 16 && prefix > 0; i++, prefix -= 8) {
    uint8_t m = prefix >= 8 ? 0xff : uint8_t(0xff << (8 - prefix));
    if ((b[i] & m) != (o.b[i] & m)) return false;
  }
  return true;
}

int endpoint_from_sockaddr(const void* sa, size_t len, Endpoint* out) {
  auto p = static_cast<const uint8_t*>(sa);
  if (len < 2) return -kEINVAL;
  uint16_t family = uint16_t(p[0] | p[1] << 8);  // sa_family is host (little) endian
  *out = Endpoint{};
  if (family == kAF_UNSPEC) return 1;
  if (family == kAF_INET) {
    if (len < sizeof(SockaddrIn)) return -kEINVAL;
    SockaddrIn in;
    memcpy(&in, sa, sizeof in);
    out->port = be16(in.port);
    out->addr = IpAddr::of(Ip4{be32(in.addr)});
    return 0;
  }
  if (family == kAF_INET6) {
    // Linux takes RFC 2133's sockaddr_in6 too, which ends before scope_id.
    constexpr size_t kShortest = __builtin_offsetof(SockaddrIn6, scope_id);
    if (len < kShortest) return -kEINVAL;
    SockaddrIn6 in6;
    memcpy(&in6, sa, kShortest);
    out->port = be16(in6.port);
    Ip6 a;
    memcpy(a.b, in6.addr, 16);
    out->addr = IpAddr::of(a);
    return 0;
  }
  return -kEAFNOSUPPORT;
}

size_t endpoint_to_sockaddr(const Endpoint& ep, int family, void* sa, size_t cap) {
  uint8_t tmp[sizeof(SockaddrIn6)];
  size_t n;
  if (family == kAF_INET6) {
    SockaddrIn6 in6 = {};
    in6.family = kAF_INET6;
    put16(in6.port, ep.port);
    Ip6 a = ep.addr.v6 ? ep.addr.a6 : (ep.addr.a4.any() ? Ip6{} : Ip6::mapped(ep.addr.a4));
    memcpy(in6.addr, a.b, 16);
    n = sizeof in6;
    memcpy(tmp, &in6, n);
  } else {
    SockaddrIn in = {};
    in.family = kAF_INET;
    put16(in.port, ep.port);
    put32(in.addr, ep.addr.v6 ? ep.addr.a6.v4().v : ep.addr.a4.v);
    n = sizeof in;
    memcpy(tmp, &in, n);
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

void format_ip6(const Ip6& a, char* buf, size_t cap) {
  uint16_t w[8];
  for (int i = 0; i < 8; i++) w[i] = be16(a.b + 2 * i);
  // The longest run of two or more zero groups becomes "::".
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && w[j] == 0) j++;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j > i ? j : i + 1;
  }
  size_t n = 0;
  auto put = [&](const char* s) {
    size_t l = strlen(s);
    for (size_t k = 0; k < l && n + 1 < cap; k++) buf[n++] = s[k];
  };
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      put("::");
      i += best_len - 1;
      continue;
    }
    if (i && i != best + best_len) put(":");
    char g[8];
    format(g, sizeof g, "%x", w[i]);
    put(g);
  }
  if (cap) buf[n < cap ? n : cap - 1] = 0;
}

bool parse_ip6(const char* s, Ip6* out) {
  uint16_t head[8], tail[8];
  int nh = 0, nt = 0;
  bool gap = false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    gap = true;
    s += 2;
  }
  while (*s) {
    uint32_t v = 0;
    int digits = 0;
    while (digits < 5) {
      char c = *s;
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) break;
      v = v * 16 + uint32_t(d);
      digits++;
      s++;
    }
    if (digits == 0 || digits > 4) return false;
    if (nh + nt >= 8) return false;
    (gap ? tail[nt++] : head[nh++]) = uint16_t(v);
    if (!*s) break;
    if (*s++ != ':') return false;
    if (*s == ':') {
      if (gap) return false;
      gap = true;
      s++;
    } else if (!*s) {
      return false;
    }
  }
  if (gap ? nh + nt > 7 : nh != 8) return false;
  Ip6 r;
  for (int i = 0; i < nh; i++) put16(r.b + 2 * i, head[i]);
  for (int i = 0; i < nt; i++) put16(r.b + 2 * (8 - nt + i), tail[i]);
  *out = r;
  return true;
}

}  // namespace kiln::net
