#include "net/interface.h"

#include "lib/mem.h"

namespace kiln::net {

Interface::Interface(NetDevice* d, const char* n, int idx) : dev(d), index(idx) {
  size_t l = strlen(n);
  if (l >= sizeof name) l = sizeof name - 1;
  memcpy(name, n, l);
  if (d) mac = d->mac();
  mtu = d ? d->mtu() : 65536;
  if (mtu < 576) mtu = 576;  // a device claiming less could not carry IPv4 at all
}

Interface::~Interface() {
  for (ArpEntry& e : arp) arp_clear(&e);
  drain(loop_queue);
}

ArpEntry* Interface::arp_find(Ip4 a) {
  for (ArpEntry& e : arp)
    if (e.state != ArpEntry::Free && e.ip == a) return &e;
  return nullptr;
}

ArpEntry* Interface::arp_make(Ip4 a, uint64_t now) {
  ArpEntry* victim = nullptr;
  for (ArpEntry& e : arp) {
    if (e.state == ArpEntry::Free) {
      victim = &e;
      break;
    }
    if (!victim || e.used < victim->used) victim = &e;
  }
  arp_clear(victim);
  victim->ip = a;
  victim->used = now;
  return victim;
}

void Interface::arp_clear(ArpEntry* e) {
  drain(e->pending);
  e->pending_bytes = 0;
  e->state = ArpEntry::Free;
  e->tries = 0;
}

}  // namespace kiln::net
