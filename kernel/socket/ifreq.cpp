// The SIOCGIF* ioctls: what programs ask about the network interfaces
// through any socket (ifconfig-style listings, nginx and python looking up
// their addresses). Reads only: the interfaces are configured at boot.
#include "core/console.h"
#include "lib/mem.h"
#include "net/interface.h"
#include "net/stack.h"
#include "abi/linux/errno.h"
#include "abi/linux/if.h"
#include "abi/linux/in.h"
#include "socket/network.h"
#include "socket/socket.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

void put_ip4(Ifreq* r, net::Ip4 a) {
  memset(&r->u, 0, sizeof r->u);
  SockaddrIn sin = {};
  sin.family = kAF_INET;
  uint32_t be = __builtin_bswap32(a.v);
  memcpy(sin.addr, &be, 4);  // the port stays 0
  memcpy(&r->u.addr, &sin, sizeof sin);
}

net::Interface* by_name(net::Stack* st, const Ifreq& r) {
  char name[kIFNAMSIZ + 1];
  memcpy(name, r.name, kIFNAMSIZ);
  name[kIFNAMSIZ] = 0;
  return st->interface_by_name(name);
}

long query(net::Stack* st, uint64_t cmd, Ifreq* r) {
  if (cmd == kSIOCGIFNAME) {
    for (net::Interface* i = st->first_interface(); i; i = st->next_interface(i)) {
      if (i->index != r->u.ivalue) continue;
      memset(r->name, 0, sizeof r->name);
      memcpy(r->name, i->name, strlen(i->name));
      return 0;
    }
    return -kENODEV;
  }
  net::Interface* ifc = by_name(st, *r);
  if (!ifc) return -kENODEV;
  switch (cmd) {
    case kSIOCGIFFLAGS:
      r->u.ivalue = ifc->up ? kIFF_UP | kIFF_RUNNING : 0;
      r->u.ivalue |= ifc->loopback() ? kIFF_LOOPBACK : kIFF_BROADCAST | kIFF_MULTICAST;
      return 0;
    case kSIOCGIFADDR:
    case kSIOCGIFNETMASK:
    case kSIOCGIFBRDADDR:
      if (!ifc->has_ip4()) return -kEADDRNOTAVAIL;
      put_ip4(r, cmd == kSIOCGIFADDR      ? ifc->ip
                 : cmd == kSIOCGIFNETMASK ? net::Ip4{net::prefix_mask(ifc->prefix)}
                                         : ifc->subnet_broadcast());
      return 0;
    case kSIOCGIFHWADDR:
      memset(&r->u, 0, sizeof r->u);
      r->u.addr.family = ifc->loopback() ? kARPHRD_LOOPBACK : kARPHRD_ETHER;
      memcpy(r->u.addr.data, ifc->mac.b, 6);
      return 0;
    case kSIOCGIFMTU:
      r->u.ivalue = int32_t(ifc->mtu);
      return 0;
    case kSIOCGIFINDEX:
      r->u.ivalue = ifc->index;
      return 0;
    case kSIOCGIFMETRIC:
      r->u.ivalue = 0;
      return 0;
    case kSIOCGIFTXQLEN:
      r->u.ivalue = 1000;
      return 0;
  }
  return -kENOTTY;
}

// SIOCGIFCONF: one ifreq per interface with an IPv4 address; a null buffer
// asks only for the length needed.
long list(net::Stack* st, uint64_t arg) {
  Ifconf conf;
  if (!copy_from_user(&conf, arg, sizeof conf)) return -kEFAULT;
  int32_t used = 0;
  for (net::Interface* i = st->first_interface(); i; i = st->next_interface(i)) {
    if (!i->has_ip4()) continue;
    if (conf.buf) {
      if (used + int32_t(sizeof(Ifreq)) > conf.len) break;
      Ifreq r = {};
      memcpy(r.name, i->name, strlen(i->name));
      put_ip4(&r, i->ip);
      if (!copy_to_user(conf.buf + uint64_t(used), &r, sizeof r)) return -kEFAULT;
    }
    used += int32_t(sizeof(Ifreq));
  }
  conf.len = used;
  return copy_to_user(arg, &conf, sizeof conf.len) ? 0 : -kEFAULT;
}

}  // namespace

long interface_ioctl(uint64_t cmd, uint64_t arg) {
  net::Stack* st = network_stack();
  if (!st) return -kENODEV;
  if (cmd == kSIOCGIFCONF) return list(st, arg);
  Ifreq r;
  if (!copy_from_user(&r, arg, sizeof r)) return -kEFAULT;
  long e = query(st, cmd, &r);
  if (e == -kENOTTY) {
    // Setting addresses, flags, MTU or routes: the interfaces are the
    // launcher's (-W), fixed at boot.
    static constexpr uint64_t kSetters[] = {kSIOCADDRT,     kSIOCDELRT,     kSIOCSIFFLAGS,
                                            kSIOCSIFADDR,   kSIOCSIFNETMASK, kSIOCSIFMTU,
                                            kSIOCSIFHWADDR};
    for (uint64_t setter : kSetters)
      if (cmd == setter) return -kEPERM;
  }
  if (e < 0) return e;
  return copy_to_user(arg, &r, sizeof r) ? 0 : -kEFAULT;
}

}  // namespace kiln
