// The byte queues of a TCP connection. Storage grows on demand up to a
// limit (SO_SNDBUF / SO_RCVBUF) and, past 4 KiB, is given back whenever the
// queue empties, so a thousand idle connections cost little even after
// each carried a burst.
// The receive side writes out-of-order data at an offset past the readable
// bytes and commits it once the gap before it fills.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::net {

// Where send() takes bytes from and recv() puts them: user iovecs in the
// kernel, plain buffers in tests. Both return bytes moved or -EFAULT.
class ByteSource {
 public:
  [[nodiscard]] virtual long read(uint8_t* dst, size_t n) = 0;
  size_t remaining = 0;

 protected:
  ~ByteSource() = default;
};
class ByteSink {
 public:
  [[nodiscard]] virtual long write(const uint8_t* src, size_t n) = 0;
  size_t remaining = 0;

 protected:
  ~ByteSink() = default;
};

class BufferSource final : public ByteSource {
 public:
  BufferSource(const void* p, size_t n) : p_(static_cast<const uint8_t*>(p)) { remaining = n; }
  [[nodiscard]] long read(uint8_t* dst, size_t n) override;

 private:
  const uint8_t* p_;
};
class BufferSink final : public ByteSink {
 public:
  BufferSink(void* p, size_t n) : p_(static_cast<uint8_t*>(p)) { remaining = n; }
  [[nodiscard]] long write(const uint8_t* src, size_t n) override;
  size_t written = 0;

 private:
  uint8_t* p_;
};

class ByteRing {
 public:
  ByteRing() = default;
  ~ByteRing();
  ByteRing(const ByteRing&) = delete;
  ByteRing& operator=(const ByteRing&) = delete;

  size_t size() const { return len_; }  // readable (committed) bytes
  size_t capacity() const { return alloc_; }  // bytes of storage held
  size_t limit() const { return limit_; }
  void set_limit(size_t l) { limit_ = l; }
  size_t space() const { return limit_ > len_ ? limit_ - len_ : 0; }

  // Appends up to n bytes from src (bounded by space()); returns bytes
  // appended, or -EFAULT / -ENOMEM if nothing could be.
  [[nodiscard]] long append(ByteSource& src, size_t n);
  // Stores n bytes at `off` past the readable ones (off == size() is plain
  // appending, but is not committed); false if past the limit or on OOM.
  bool store(size_t off, const uint8_t* src, size_t n);
  // Makes n more stored bytes readable.
  void commit(size_t n) { len_ += n; }
  // Copies n bytes starting `off` into dst (no consumption).
  void peek(size_t off, uint8_t* dst, size_t n) const;
  [[nodiscard]] long copy_out(ByteSink& dst, size_t off, size_t n) const;
  void consume(size_t n);
  // Gives all storage back if nothing is held (a connection in TIME_WAIT
  // keeps its ring objects but needs no bytes).
  void release();

 private:
  bool reserve(size_t total);
  uint8_t* buf_ = nullptr;
  size_t alloc_ = 0, head_ = 0, len_ = 0, limit_ = 0;
  size_t stored_ = 0;  // from the head to the end of the furthest stored byte
};

}  // namespace kiln::net
