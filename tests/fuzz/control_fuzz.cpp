// Both ends of the control channel with bytes nobody vouches for. The
// first byte picks the end and how the rest is cut into pieces:
//   even: the kernel's server (requests in) must answer only with
//         well-formed reply frames within the bounds, at most one per
//         frame or burst of garbage;
//   odd:  the launcher's reply decoder must keep every frame it yields
//         within its buffer.
#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "control/args.h"
#include "control/frame.h"
#include "control/server.h"

using namespace kiln;
using namespace kiln::control;

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

Status stop(const json::Value& args, ReplyWriter& reply) {
  uint64_t ms;
  const char* why = "";
  if (!read_stop_args(args, &ms, &why)) {
    reply.raw("{\"error\":");
    reply.string(why);
    reply.raw("}");
    return Status::BadRequest;
  }
  reply.printf("{\"grace_ms\":%lu}", static_cast<unsigned long>(ms));
  return Status::Ok;
}

const Handler kHandlers[] = {{kTypeStop, "stop", stop}};

struct Out {
  std::vector<uint8_t> bytes;
  size_t refusals = 0;
};

void send(void* ctx, const uint8_t* data, size_t n) {
  auto out = static_cast<Out*>(ctx);
  out->bytes.insert(out->bytes.end(), data, data + n);
}

void refused(void* ctx, uint8_t, const char*) { static_cast<Out*>(ctx)->refusals++; }

// Feeds `data` to `feed` in pieces of 1..16 bytes, as `cut` says.
template <typename Feed>
void in_pieces(const uint8_t* data, size_t size, uint8_t cut, Feed feed) {
  size_t piece = (cut >> 1 & 15) + 1;
  for (size_t at = 0; at < size; at += piece) feed(data + at, size - at < piece ? size - at : piece);
}

void check_replies(const std::vector<uint8_t>& bytes, size_t* frames) {
  static uint8_t payload[kMaxReplyPayload];
  FrameDecoder d(Kind::Reply, payload, kMaxReplyPayload);
  size_t at = 0;
  while (at < bytes.size()) {
    size_t used = 0;
    auto r = d.feed(bytes.data() + at, bytes.size() - at, &used);
    require(r != FrameDecoder::Result::Error);
    at += used;
    if (r == FrameDecoder::Result::Frame) {
      require(d.header().length <= Server::kReplyCapacity && d.header().length >= 2);
      ++*frames;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!size) return 0;
  uint8_t mode = data[0];
  data++;
  size--;
  if (mode & 1) {
    static uint8_t payload[kMaxReplyPayload];
    FrameDecoder d(Kind::Reply, payload, kMaxReplyPayload);
    in_pieces(data, size, mode, [&](const uint8_t* p, size_t n) {
      while (n) {
        size_t used = 0;
        auto r = d.feed(p, n, &used);
        require(used > 0 && used <= n);
        if (r == FrameDecoder::Result::Frame) require(d.header().length <= kMaxReplyPayload);
        p += used;
        n -= used;
      }
    });
    return 0;
  }
  Out out;
  Server s(kHandlers, 1, {&out, send, refused});
  in_pieces(data, size, mode, [&](const uint8_t* p, size_t n) { s.receive(p, n); });
  size_t frames = 0;
  check_replies(out.bytes, &frames);
  // Every reply answers a frame or refuses one: never more replies than
  // the input could hold frames or bursts of garbage.
  require(frames <= size / 4 + 1);
  return 0;
}
