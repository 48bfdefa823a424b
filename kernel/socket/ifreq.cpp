// The SIOCGIF* ioctls: what programs ask about the network interfaces
// through any socket (ifconfig-style listings, nginx and python looking up
// their addresses). Reads only: the interfaces are configured at boot.
#include "core/console.h"
#include "lib/mem.h"
#include "net/interface.h"
#include "net/stack.h"
#include "abi/linux/errno.h"
#include "socket/network.h"
#include "socket/socket.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913,
                   SIOCGIFADDR = 0x8915, SIOCGIFBRDADDR = 0x8919, SIOCGIFNETMASK = 0x891b,
                   SIOCGIFMETRIC = 0x891d, SIOCGIFMTU = 0x8921, SIOCGIFHWADDR = 0x8927,
                   SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942;
constexpr int16_t IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40,
                  IFF_MULTICAST = 0x1000;
constexpr uint16_t ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;

// struct ifreq: a name, then a union whose largest member is 24 bytes.
struct IfReq {
  char name[16];
  union {
    struct {
      uint16_t family;
      uint8_t data[14];
    } addr;
    int32_t ivalue;
    uint8_t pad[24];
  } u;
};
static_assert(sizeof(IfReq) == 40);

void put_ip4(IfReq* r, net::Ip4 a) {
  memset(&r->u, 0, sizeof r->u);
  r->u.addr.family = AF_INET;
  uint32_t be = __builtin_bswap32(a.v);
  memcpy(r->u.addr.data + 2, &be, 4);  // sin_port stays 0
}

net::Interface* by_name(net::Stack* st, const IfReq& r) {
  char name[17];
  memcpy(name, r.name, 16);
  name[16] = 0;
  return st->interface_by_name(name);
}

long query(net::Stack* st, uint64_t cmd, IfReq* r) {
  if (cmd == SIOCGIFNAME) {
    for (net::Interface* i = st->first_interface(); i; i = st->next_interface(i)) {
      if (i->index != r->u.ivalue) continue;
      memset(r->name, 0, sizeof r->name);
      memcpy(r->name, i->name, strlen(i->name));
      return 0;
    }
    return -ENODEV;
  }
  net::Interface* ifc = by_name(st, *r);
  if (!ifc) return -ENODEV;
  switch (cmd) {
    case SIOCGIFFLAGS:
      r->u.ivalue = ifc->up ? IFF_UP | IFF_RUNNING : 0;
      r->u.ivalue |= ifc->loopback() ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST;
      return 0;
    case SIOCGIFADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFBRDADDR:
      if (!ifc->has_ip4()) return -EADDRNOTAVAIL;
      put_ip4(r, cmd == SIOCGIFADDR      ? ifc->ip
                 : cmd == SIOCGIFNETMASK ? net::Ip4{net::prefix_mask(ifc->prefix)}
                                         : ifc->subnet_broadcast());
      return 0;
    case SIOCGIFHWADDR:
      memset(&r->u, 0, sizeof r->u);
      r->u.addr.family = ifc->loopback() ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
      memcpy(r->u.addr.data, ifc->mac.b, 6);
      return 0;
    case SIOCGIFMTU:
      r->u.ivalue = int32_t(ifc->mtu);
      return 0;
    case SIOCGIFINDEX:
      r->u.ivalue = ifc->index;
      return 0;
    case SIOCGIFMETRIC:
      r->u.ivalue = 0;
      return 0;
    case SIOCGIFTXQLEN:
      r->u.ivalue = 1000;
      return 0;
  }
  return -ENOTTY;
}

// SIOCGIFCONF: one ifreq per interface with an IPv4 address; a null buffer
// asks only for the length needed.
long list(net::Stack* st, uint64_t arg) {
  struct {
    int32_t len;
    int32_t pad;
    uint64_t buf;
  } conf;
  if (!copy_from_user(&conf, arg, sizeof conf)) return -EFAULT;
  int32_t used = 0;
  for (net::Interface* i = st->first_interface(); i; i = st->next_interface(i)) {
    if (!i->has_ip4()) continue;
    if (conf.buf) {
      if (used + int32_t(sizeof(IfReq)) > conf.len) break;
      IfReq r = {};
      memcpy(r.name, i->name, strlen(i->name));
      put_ip4(&r, i->ip);
      if (!copy_to_user(conf.buf + uint64_t(used), &r, sizeof r)) return -EFAULT;
    }
    used += int32_t(sizeof(IfReq));
  }
  conf.len = used;
  return copy_to_user(arg, &conf, sizeof conf.len) ? 0 : -EFAULT;
}

}  // namespace

long interface_ioctl(uint64_t cmd, uint64_t arg) {
  net::Stack* st = network_stack();
  if (!st) return -ENODEV;
  if (cmd == SIOCGIFCONF) return list(st, arg);
  IfReq r;
  if (!copy_from_user(&r, arg, sizeof r)) return -EFAULT;
  long e = query(st, cmd, &r);
  if (e == -ENOTTY) {
    // Setting addresses, flags, MTU or routes: the interfaces are the
    // launcher's (-W), fixed at boot.
    static constexpr uint64_t kSetters[] = {0x890b, 0x890c, 0x8914, 0x8916, 0x891c, 0x8922, 0x8924};
    for (uint64_t setter : kSetters)
      if (cmd == setter) return -EPERM;
  }
  if (e < 0) return e;
  return copy_to_user(arg, &r, sizeof r) ? 0 : -EFAULT;
}

}  // namespace kiln
