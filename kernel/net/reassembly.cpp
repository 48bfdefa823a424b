#include "net/reassembly.h"

#include "lib/mem.h"

namespace kiln::net {

Reassembly::~Reassembly() {
  for (Datagram& d : slots_) release(d);
}

void Reassembly::release(Datagram& d) {
  while (Packet* p = d.frags.pop_front()) {
    bytes_ -= p->len();
    delete p;
  }
  d.used = false;
  d.total = d.have = 0;
  d.count = 0;
}

size_t Reassembly::in_progress() const {
  size_t n = 0;
  for (const Datagram& d : slots_) n += d.used;
  return n;
}

void Reassembly::expire(uint64_t now) {
  for (Datagram& d : slots_)
    if (d.used && now >= d.deadline) {
      dropped++;
      release(d);
    }
}

Packet* Reassembly::add(const IpAddr& src, const IpAddr& dst, uint32_t id, uint8_t proto,
                        uint32_t off, bool more, const uint8_t* payload, size_t len, size_t max,
                        uint64_t now) {
  if (len > 65535 || off > 65535) {
    dropped++;
    return nullptr;
  }
  uint32_t end = off + uint32_t(len);
  // Every fragment but the last carries a multiple of 8 bytes; nothing may
  // reach past the datagram limit.
  if (end > max || (more && (len == 0 || len % 8))) {
    dropped++;
    return nullptr;
  }
  Datagram* d = nullptr;
  Datagram* free_slot = nullptr;
  for (Datagram& s : slots_) {
    if (s.used && s.src == src && s.dst == dst && s.id == id && s.proto == proto) {
      d = &s;
      break;
    }
    if (!s.used && !free_slot) free_slot = &s;
  }
  if (!d) {
    if (!free_slot) {
      dropped++;
      return nullptr;
    }
    d = free_slot;
    d->used = true;
    d->src = src;
    d->dst = dst;
    d->id = id;
    d->proto = proto;
    d->deadline = now + kTimeoutNs;
  }
  if (!more) {
    // Fragments already held must all end before the datagram does.
    Packet* last = d->frags.back();
    if ((d->total && d->total != end) || (last && last->frag_off + last->len() > end)) goto poison;
    d->total = end;
  }
  if (d->total && end > d->total) goto poison;
  {
    // Find the insertion point; any overlap that is not an exact duplicate
    // poisons the datagram.
    Packet* pos = d->frags.front();
    while (pos && pos->frag_off < off) {
      if (pos->frag_off + pos->len() > off) goto poison;
      pos = d->frags.next_of(pos);
    }
    if (pos) {
      if (pos->frag_off == off && pos->len() == len) return nullptr;  // duplicate
      if (end > pos->frag_off) goto poison;
    }
    if (d->count >= kMaxFragments || bytes_ + len > kMaxBytes) goto poison;
    Packet* p = Packet::create(len, 0);
    if (!p) goto poison;
    memcpy(p->data(), payload, len);
    p->frag_off = uint16_t(off);
    d->frags.insert_before_elem(pos, p);
    d->count++;
    d->have += uint32_t(len);
    bytes_ += len;
  }
  if (!d->total || d->have != d->total) return nullptr;
  {
    // No overlaps and the byte count matches: the fragments tile [0, total).
    Packet* whole = Packet::create(d->total);
    if (!whole) goto poison;
    for (Packet* f = d->frags.front(); f; f = d->frags.next_of(f))
      memcpy(whole->data() + f->frag_off, f->data(), f->len());
    release(*d);
    return whole;
  }
poison:
  dropped++;
  release(*d);
  return nullptr;
}

}  // namespace kiln::net
