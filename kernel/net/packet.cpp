#include "net/packet.h"

namespace kiln::net {

Packet* Packet::create(size_t len, size_t headroom) {
  if (len > (1u << 20)) return nullptr;
  Packet* p = new Packet;
  if (!p) return nullptr;
  p->cap_ = headroom + len;
  p->buf_ = alloc_bytes(p->cap_);
  if (!p->buf_) {
    delete p;
    return nullptr;
  }
  p->data_ = p->buf_ + headroom;
  p->len_ = len;
  return p;
}

uint8_t* Packet::push(size_t n) {
  if (size_t(data_ - buf_) < n) return nullptr;
  data_ -= n;
  len_ += n;
  return data_;
}

void Packet::pull(size_t n) {
  if (n > len_) n = len_;
  data_ += n;
  len_ -= n;
}

void drain(PacketList& q) {
  while (Packet* p = q.pop_front()) delete p;
}

}  // namespace kiln::net
