// Reading frames (protocol.h) out of a byte stream that arrives in pieces
// of any size. A frame that cannot be read is reported once; the decoder
// then drops bytes until the next magic, so one bad frame or a burst of
// garbage costs one error, and a transport with no notion of connections
// (a console ring) finds its way back. No allocation: the caller gives
// the payload buffer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "control/protocol.h"

namespace kiln::control {

enum class FrameError : uint8_t { None, BadMagic, BadVersion, BadKind, BadStatus, TooLong };
const char* frame_error_string(FrameError e);

class FrameDecoder {
 public:
  // Accepts frames of `kind` only (the other side's) with payloads of at
  // most `max_payload` bytes, which land in `payload` (that big).
  FrameDecoder(Kind kind, uint8_t* payload, uint32_t max_payload)
      : kind_(kind), payload_(payload), max_payload_(max_payload) {}

  enum class Result : uint8_t { NeedMore, Frame, Error };
  // Consumes data[0, n) up to the end of a frame or an error (*used says
  // how far). Frame: header() and payload() hold it until the next call.
  // Error: error() says why; header() holds what was read of it (its id
  // when the whole header arrived, else 0).
  Result feed(const uint8_t* data, size_t n, size_t* used);
  // Starts afresh (a new connection): a partial frame is dropped.
  void reset();

  const Header& header() const { return header_; }
  const uint8_t* payload() const { return payload_; }
  FrameError error() const { return error_; }

 private:
  Result take_header_byte(uint8_t b);
  FrameError check_header();

  Kind kind_;
  uint8_t* payload_;
  uint32_t max_payload_;
  uint8_t raw_[kHeaderSize] = {};
  size_t have_ = 0;          // header bytes in raw_, or payload bytes once reading it
  bool in_payload_ = false;
  bool resync_ = false;      // after an error: dropping bytes until a magic
  Header header_;
  FrameError error_ = FrameError::None;
};

}  // namespace kiln::control
