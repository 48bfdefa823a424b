// The kernel's end of the control channel, portable: bytes from the host
// go in, reply frames come out through `send`. It reads frames, refuses
// the ones it cannot read (one reply and one report each, never more for a
// burst of garbage), parses each request's JSON arguments and runs its
// handler. `hello` is answered here; every other request type is a Handler
// that a module contributes to the linker set control_requests, so adding
// one is a number in protocol.h and one entry where its answer is known.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "control/frame.h"
#include "control/protocol.h"
#include "control/reply.h"
#include "lib/fallible.h"
#include "lib/json.h"
#include "lib/linker_set.h"

namespace kiln::control {

struct Handler {
  uint8_t type;      // kTypeStop...
  const char* name;  // "stop": for hello's list and for messages
  // Does what the request asks (args: its JSON object) and writes the
  // reply's payload, a JSON object. Anything but Ok comes with
  // {"error": "..."} saying why.
  Status (*handle)(const json::Value& args, ReplyWriter& reply);
};

class Server : public Fallible {
 public:
  struct Io {
    void* ctx;
    void (*send)(void* ctx, const uint8_t* data, size_t n);
    // A frame or request refused (`type` is 0 when unknown), for the log.
    void (*rejected)(void* ctx, uint8_t type, const char* why);
  };
  // The kernel's replies are at most this big today (the protocol allows
  // kMaxReplyPayload): enough for every request there is.
  static constexpr size_t kReplyCapacity = 4096;

  Server(const Handler* handlers, size_t count, Io io)
      : handlers_(handlers), count_(count), io_(io), decoder_(Kind::Request, request_, kMaxRequestPayload) {}

  void receive(const uint8_t* data, size_t n);
  // A new connection: a partial frame from the last one is dropped.
  void reset() { decoder_.reset(); }

 private:
  static constexpr size_t kMaxTokens = 64;

  void dispatch(const Header& h, const uint8_t* payload);
  void refuse(const Header& h, FrameError e);
  Status hello(ReplyWriter& reply);
  const Handler* find(uint8_t type) const;
  void send_reply(const Header& request, Status status, size_t length);

  const Handler* handlers_;
  size_t count_;
  Io io_;
  uint8_t request_[kMaxRequestPayload];
  uint8_t out_[kHeaderSize + kReplyCapacity];
  json::Token tokens_[kMaxTokens];
  FrameDecoder decoder_;
};

}  // namespace kiln::control

namespace kiln {
KILN_SET_DECLARE(control_requests, control::Handler)
}
