#include "control/server.h"

#include "lib/mem.h"

namespace kiln::control {
namespace {

bool blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The arguments must be one JSON object and nothing else: the parser is
// lenient (it skips text before the first '{', stops at a NUL), the
// protocol is not.
bool well_formed(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n && blank(p[i])) i++;
  if (i == n || p[i] != '{') return false;
  for (; i < n; i++)
    if (!p[i]) return false;
  return true;
}

}  // namespace

const Handler* Server::find(uint8_t type) const {
  for (size_t i = 0; i < count_; i++)
    if (handlers_[i].type == type) return &handlers_[i];
  return nullptr;
}

void Server::receive(const uint8_t* data, size_t n) {
  while (n) {
    size_t used = 0;
    FrameDecoder::Result r = decoder_.feed(data, n, &used);
    data += used;
    n -= used;
    if (r == FrameDecoder::Result::Frame) dispatch(decoder_.header(), decoder_.payload());
    if (r == FrameDecoder::Result::Error) refuse(decoder_.header(), decoder_.error());
  }
}

void Server::send_reply(const Header& request, Status status, size_t length) {
  Header h;
  h.kind = Kind::Reply;
  h.type = request.type;
  h.status = status;
  h.id = request.id;
  h.length = uint32_t(length);
  encode_header(h, out_);
  io_.send(io_.ctx, out_, kHeaderSize + length);
}

void Server::refuse(const Header& h, FrameError e) {
  Header reply_to = e == FrameError::BadMagic ? Header{} : h;
  io_.rejected(io_.ctx, reply_to.type, frame_error_string(e));
  ReplyWriter w(reinterpret_cast<char*>(out_ + kHeaderSize), kReplyCapacity);
  w.raw("{\"error\":");
  w.string(frame_error_string(e));
  w.printf(",\"protocol\":%u}", kVersion);
  send_reply(reply_to, e == FrameError::BadVersion ? Status::BadVersion : Status::Malformed, w.length());
}

Status Server::hello(ReplyWriter& reply) {
  reply.printf("{\"protocol\":%u,\"requests\":[\"hello\"", kVersion);
  for (size_t i = 0; i < count_; i++) {
    reply.raw(",");
    reply.string(handlers_[i].name);
  }
  reply.raw("]}");
  return Status::Ok;
}

void Server::dispatch(const Header& h, const uint8_t* payload) {
  ReplyWriter w(reinterpret_cast<char*>(out_ + kHeaderSize), kReplyCapacity);
  static const uint8_t kEmpty[] = "{}";
  const uint8_t* text = h.length ? payload : kEmpty;
  size_t len = h.length ? h.length : 2;
  json::Document doc;
  const Handler* handler = find(h.type);
  Status s;
  const char* why = nullptr;
  if (h.type != kTypeHello && !handler) {
    w.printf("{\"error\":\"unknown request type %u\"}", h.type);
    s = Status::UnknownType;
    why = "unknown request type";
  } else if (!well_formed(text, len) ||
             doc.parse(reinterpret_cast<const char*>(text), len, tokens_, kMaxTokens) != json::Error::None ||
             !doc.root().is_object()) {
    w.raw("{\"error\":\"the arguments are not one JSON object\"}");
    s = Status::BadRequest;
    why = "the arguments are not one JSON object";
  } else {
    s = handler ? handler->handle(doc.root(), w) : hello(w);
  }
  if (w.overflowed()) {
    w.clear();
    w.raw("{\"error\":\"the reply does not fit\"}");
    s = Status::Failed;
    why = "the reply does not fit";
  }
  if (!w.length()) w.raw("{}");
  if (s != Status::Ok) io_.rejected(io_.ctx, h.type, why ? why : status_name(s));
  send_reply(h, s, w.length());
}

}  // namespace kiln::control
