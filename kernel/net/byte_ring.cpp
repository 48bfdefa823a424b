#include "net/byte_ring.h"

#include "lib/mem.h"
#include "lib/fallible.h"
#include "abi/linux/errno.h"

namespace kiln::net {
namespace {

// Storage an empty ring keeps: small exchanges do not allocate every time.
constexpr size_t kKeep = 4096;

}  // namespace

long BufferSource::read(uint8_t* dst, size_t n) {
  if (n > remaining) n = remaining;
  memcpy(dst, p_, n);
  p_ += n;
  remaining -= n;
  return long(n);
}

long BufferSink::write(const uint8_t* src, size_t n) {
  if (n > remaining) n = remaining;
  memcpy(p_, src, n);
  p_ += n;
  remaining -= n;
  written += n;
  return long(n);
}

ByteRing::~ByteRing() { free_bytes(buf_); }

// Grows storage (a power of two, at least kKeep) to hold `total` bytes from
// the head, moving the contents to the start of the new buffer.
bool ByteRing::reserve(size_t total) {
  if (total <= alloc_) return true;
  size_t n = alloc_ ? alloc_ : kKeep;
  while (n < total) n *= 2;
  uint8_t* nb = alloc_bytes(n);
  if (!nb) return false;
  // Stored-but-uncommitted bytes lie past len_: keep the whole old buffer.
  for (size_t i = 0; i < alloc_; i++) nb[i] = buf_[(head_ + i) % alloc_];
  free_bytes(buf_);
  buf_ = nb;
  alloc_ = n;
  head_ = 0;
  return true;
}

long ByteRing::append(ByteSource& src, size_t n) {
  if (n > space()) n = space();
  if (n == 0) return 0;
  if (!reserve(len_ + n)) {
    // Take what fits in the storage we have.
    if (alloc_ <= len_) return -kENOMEM;
    n = alloc_ - len_;
  }
  size_t done = 0;
  while (done < n) {
    size_t pos = (head_ + len_) % alloc_;
    size_t chunk = alloc_ - pos;
    if (chunk > n - done) chunk = n - done;
    long r = src.read(buf_ + pos, chunk);
    if (r < 0) return done ? long(done) : r;
    len_ += size_t(r);
    done += size_t(r);
    if (size_t(r) < chunk) break;
  }
  if (len_ > stored_) stored_ = len_;
  return long(done);
}

bool ByteRing::store(size_t off, const uint8_t* src, size_t n) {
  size_t end = len_ + off + n;
  if (end > limit_ || !reserve(end)) return false;
  size_t pos = (head_ + len_ + off) % alloc_;
  for (size_t i = 0; i < n;) {
    size_t chunk = alloc_ - pos;
    if (chunk > n - i) chunk = n - i;
    memcpy(buf_ + pos, src + i, chunk);
    i += chunk;
    pos = (pos + chunk) % alloc_;
  }
  if (end > stored_) stored_ = end;
  return true;
}

void ByteRing::peek(size_t off, uint8_t* dst, size_t n) const {
  size_t pos = alloc_ ? (head_ + off) % alloc_ : 0;
  for (size_t i = 0; i < n;) {
    size_t chunk = alloc_ - pos;
    if (chunk > n - i) chunk = n - i;
    memcpy(dst + i, buf_ + pos, chunk);
    i += chunk;
    pos = (pos + chunk) % alloc_;
  }
}

long ByteRing::copy_out(ByteSink& dst, size_t off, size_t n) const {
  size_t pos = alloc_ ? (head_ + off) % alloc_ : 0;
  size_t done = 0;
  while (done < n) {
    size_t chunk = alloc_ - pos;
    if (chunk > n - done) chunk = n - done;
    long r = dst.write(buf_ + pos, chunk);
    if (r < 0) return done ? long(done) : r;
    done += size_t(r);
    if (size_t(r) < chunk) break;
    pos = (pos + chunk) % alloc_;
  }
  return long(done);
}

void ByteRing::consume(size_t n) {
  if (n > len_) n = len_;
  len_ -= n;
  stored_ -= n;
  head_ = alloc_ ? (head_ + n) % alloc_ : 0;
  if (stored_ == 0 && alloc_ > kKeep) {
    // Empty, with no out-of-order bytes waiting either: the storage a burst
    // grew goes back to the heap (Linux frees its buffers as they are read
    // or acknowledged, too).
    free_bytes(buf_);
    buf_ = nullptr;
    alloc_ = 0;
    head_ = 0;
  }
}

void ByteRing::release() {
  if (stored_ != 0 || !buf_) return;
  free_bytes(buf_);
  buf_ = nullptr;
  alloc_ = 0;
  head_ = 0;
}

}  // namespace kiln::net
