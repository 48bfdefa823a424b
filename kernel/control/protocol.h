// The control channel's wire format, version 1 (docs/internals.md,
// "Control channel"): frames of a 16-byte header and a payload, between the
// launcher (the host) and the kernel, whatever carries the bytes:
// virtio-console today, a Xen console ring or vchan later. The kernel and
// the launcher build this same code.
//
//   offset  size  field
//        0     4  magic "KCTL"
//        4     1  version (1)
//        5     1  kind: 1 request (host to kernel), 2 reply (kernel to host)
//        6     1  type: the request's (a reply carries its request's)
//        7     1  status: 0 in requests; a reply's Status
//        8     4  id, little-endian: chosen by the host, echoed by the reply
//       12     4  payload length, little-endian, at most the bound below
//
// The payload is a JSON object (RFC 8259, UTF-8); an empty one means {}.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::control {

// The virtio-console port the launcher wires to RUNDIR/control.sock.
inline constexpr char kPortName[] = "org.kiln.control.0";

inline constexpr uint8_t kMagic[4] = {'K', 'C', 'T', 'L'};
inline constexpr uint8_t kVersion = 1;
inline constexpr size_t kHeaderSize = 16;
// What the host asks is small; what the kernel answers may grow
// (statistics), so the bounds differ by direction.
inline constexpr uint32_t kMaxRequestPayload = 4096, kMaxReplyPayload = 65536;

enum class Kind : uint8_t { Request = 1, Reply = 2 };

// Request types. 0 names no request: the reply to a frame that could not
// be read. New types take the next number; a kernel that does not know one
// answers UnknownType, so the host can tell an older kernel.
inline constexpr uint8_t kTypeNone = 0, kTypeHello = 1, kTypeStop = 2, kTypeKill = 3;

// stop {"grace_ms": N}: SIGTERM, then N ms before the kill (default
// 10 s, at most an hour); kill {}: SIGKILL now. Both halt the machine
// through its normal exit, disks synced.
inline constexpr uint64_t kDefaultGraceMs = 10'000, kMaxGraceMs = 3'600'000;

enum class Status : uint8_t {
  Ok = 0,
  Malformed = 1,    // the frame could not be read: bad magic, kind, length
  BadVersion = 2,   // a protocol version this side does not speak
  UnknownType = 3,  // no such request
  BadRequest = 4,   // the payload is not what the request takes
  Failed = 5,       // understood, but it could not be done
};
const char* status_name(Status s);

struct Header {
  uint8_t version = kVersion;
  Kind kind = Kind::Request;
  uint8_t type = kTypeNone;
  Status status = Status::Ok;
  uint32_t id = 0;
  uint32_t length = 0;
};

void encode_header(const Header& h, uint8_t out[kHeaderSize]);

}  // namespace kiln::control
