#include "net/interface.h"

#include "lib/mem.h"

namespace kiln::net {

Interface::Interface(NetDevice* d, const char* n, int idx) : dev(d), index(idx) {
  size_t l = strlen(n);
  if (l >= sizeof name) l = sizeof name - 1;
  memcpy(name, n, l);
  if (d) mac = d->mac();
  mtu = d ? d->mtu() : 65536;
  if (mtu < 1280) mtu = 1280;  // IPv6's minimum; less could not carry it
}

Interface::~Interface() {
  for (Neighbor& e : neighbors) neighbor_clear(&e);
  drain(loop_queue);
  drain(tx_queue);
}

Neighbor* Interface::neighbor(const IpAddr& a) {
  for (Neighbor& e : neighbors)
    if (e.state != Neighbor::Free && e.ip == a) return &e;
  return nullptr;
}

Neighbor* Interface::neighbor_make(const IpAddr& a, uint64_t now) {
  Neighbor* victim = nullptr;
  for (Neighbor& e : neighbors) {
    if (e.state == Neighbor::Free) {
      victim = &e;
      break;
    }
    if (!victim || e.used < victim->used) victim = &e;
  }
  neighbor_clear(victim);
  victim->ip = a;
  victim->used = now;
  return victim;
}

void Interface::neighbor_clear(Neighbor* e) {
  drain(e->pending);
  e->pending_bytes = 0;
  e->state = Neighbor::Free;
  e->tries = 0;
}

Ip6Slot* Interface::ip6_find(const Ip6& a) {
  for (Ip6Slot& s : ip6)
    if (s.used && s.addr == a) return &s;
  return nullptr;
}

bool Interface::ip6_owns(const Ip6& a) const {
  for (const Ip6Slot& s : ip6)
    if (s.used && s.addr == a) return true;
  return false;
}

bool Interface::ip6_on_link(const Ip6& a) const {
  if (a.link_local() || a.multicast()) return true;
  for (const Ip6Slot& s : ip6)
    if (s.used && !s.addr.link_local() && s.addr.same_prefix(a, s.prefix)) return true;
  return false;
}

const Ip6Slot* Interface::ip6_link_local() const {
  for (const Ip6Slot& s : ip6)
    if (s.used && s.addr.link_local()) return &s;
  return nullptr;
}

const Ip6Slot* Interface::ip6_source_for(const Ip6& dst) const {
  const Ip6Slot* ll = nullptr;
  const Ip6Slot* global = nullptr;
  for (const Ip6Slot& s : ip6) {
    if (!s.used) continue;
    if (s.addr.link_local()) {
      if (!ll) ll = &s;
    } else if (!global || (!s.tentative && global->tentative) ||
               (s.addr.same_prefix(dst, s.prefix) && !global->addr.same_prefix(dst, global->prefix))) {
      global = &s;
    }
  }
  bool link_scope = dst.link_local() || (dst.multicast() && (dst.b[1] & 0x0f) <= 2);
  if (link_scope) return ll ? ll : global;
  return global ? global : ll;
}

}  // namespace kiln::net
