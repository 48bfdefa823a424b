// The control channel's codec (kernel/control), as the kernel and the
// launcher both use it: frames split anywhere, every way a frame is
// refused and how the decoder finds its way back, the server's replies to
// good and bad requests, and stop's arguments.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "control/args.h"
#include "control/frame.h"
#include "control/server.h"

namespace kiln::control {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes frame(Kind kind, uint8_t type, uint32_t id, const std::string& payload, Status status = Status::Ok) {
  Header h;
  h.kind = kind;
  h.type = type;
  h.status = status;
  h.id = id;
  h.length = uint32_t(payload.size());
  Bytes out(kHeaderSize);
  encode_header(h, out.data());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes request(uint8_t type, uint32_t id, const std::string& payload = "") {
  return frame(Kind::Request, type, id, payload);
}

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Everything a decoder makes of `in`, fed `chunk` bytes at a time.
struct Decoded {
  std::vector<Header> frames;
  std::vector<std::string> payloads;
  std::vector<FrameError> errors;
  std::vector<uint32_t> error_ids;
};

Decoded decode(const Bytes& in, size_t chunk, Kind kind = Kind::Request, uint32_t max = kMaxRequestPayload) {
  std::vector<uint8_t> payload(max);
  FrameDecoder d(kind, payload.data(), max);
  Decoded out;
  for (size_t at = 0; at < in.size(); at += chunk) {
    size_t n = std::min(chunk, in.size() - at);
    const uint8_t* p = in.data() + at;
    while (n) {
      size_t used = 0;
      auto r = d.feed(p, n, &used);
      EXPECT_LE(used, n);
      p += used;
      n -= used;
      if (r == FrameDecoder::Result::Frame) {
        out.frames.push_back(d.header());
        out.payloads.emplace_back(reinterpret_cast<const char*>(d.payload()), d.header().length);
      } else if (r == FrameDecoder::Result::Error) {
        out.errors.push_back(d.error());
        out.error_ids.push_back(d.header().id);
      }
    }
  }
  return out;
}

TEST(ControlFrame, HeaderLayout) {
  Bytes f = frame(Kind::Reply, kTypeStop, 0x11223344, "{}", Status::BadRequest);
  const Bytes want = {'K', 'C', 'T', 'L', 1, 2, 2, 4, 0x44, 0x33, 0x22, 0x11, 2, 0, 0, 0, '{', '}'};
  EXPECT_EQ(f, want);
}

TEST(ControlFrame, SplitAnywhere) {
  Bytes in = request(kTypeStop, 7, "{\"grace_ms\":5}") + request(kTypeHello, 8) + request(kTypeKill, 9, "{}");
  for (size_t chunk = 1; chunk <= in.size(); chunk++) {
    Decoded d = decode(in, chunk);
    ASSERT_EQ(d.frames.size(), 3u) << "chunk " << chunk;
    EXPECT_TRUE(d.errors.empty());
    EXPECT_EQ(d.frames[0].type, kTypeStop);
    EXPECT_EQ(d.frames[0].id, 7u);
    EXPECT_EQ(d.payloads[0], "{\"grace_ms\":5}");
    EXPECT_EQ(d.frames[1].length, 0u);
    EXPECT_EQ(d.frames[2].id, 9u);
  }
}

TEST(ControlFrame, GarbageIsOneErrorThenTheNextFrame) {
  // 'K' and "KC" inside the garbage start magics that do not finish.
  Bytes in = text("hello KC there K KCT!") + request(kTypeHello, 5) + text("xx") + request(kTypeKill, 6);
  for (size_t chunk : {size_t(1), size_t(3), in.size()}) {
    Decoded d = decode(in, chunk);
    ASSERT_EQ(d.errors.size(), 2u);
    EXPECT_EQ(d.errors[0], FrameError::BadMagic);
    EXPECT_EQ(d.error_ids[0], 0u);
    ASSERT_EQ(d.frames.size(), 2u);
    EXPECT_EQ(d.frames[0].id, 5u);
    EXPECT_EQ(d.frames[1].id, 6u);
  }
}

TEST(ControlFrame, BadHeadersAreRefusedWithTheirId) {
  Bytes bad_version = request(kTypeHello, 1);
  bad_version[4] = 2;
  Bytes bad_kind = frame(Kind::Reply, kTypeHello, 2, "");
  Bytes bad_status = frame(Kind::Request, kTypeHello, 3, "", Status::Failed);
  Bytes too_long = request(kTypeHello, 4, std::string(kMaxRequestPayload + 1, ' '));
  Bytes in = bad_version + bad_kind + bad_status + too_long + request(kTypeHello, 5);
  Decoded d = decode(in, 7);
  const std::vector<FrameError> want = {FrameError::BadVersion, FrameError::BadKind, FrameError::BadStatus,
                                        FrameError::TooLong};
  EXPECT_EQ(d.errors, want);
  EXPECT_EQ(d.error_ids, (std::vector<uint32_t>{1, 2, 3, 4}));
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].id, 5u);
}

TEST(ControlFrame, TheBoundItselfIsAllowed) {
  std::string big(kMaxRequestPayload, 'x');
  Decoded d = decode(request(kTypeHello, 1, big), 1000);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.payloads[0], big);
  // Replies may be longer than requests.
  std::string reply(kMaxRequestPayload + 1, 'y');
  d = decode(frame(Kind::Reply, kTypeHello, 2, reply), 4096, Kind::Reply, kMaxReplyPayload);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.payloads[0], reply);
}

TEST(ControlFrame, ResetDropsAPartialFrame) {
  uint8_t payload[64];
  FrameDecoder d(Kind::Request, payload, sizeof payload);
  Bytes half = request(kTypeStop, 1, "{\"grace_ms\":1}");
  size_t used;
  EXPECT_EQ(d.feed(half.data(), 20, &used), FrameDecoder::Result::NeedMore);
  d.reset();
  Bytes next = request(kTypeHello, 2);
  EXPECT_EQ(d.feed(next.data(), next.size(), &used), FrameDecoder::Result::Frame);
  EXPECT_EQ(d.header().id, 2u);
}

// A server with two handlers, and what it sent and refused.
struct Harness {
  static Status echo(const json::Value& args, ReplyWriter& reply) {
    int64_t n = 0;
    if (!args.get("n").as_int(&n)) {
      reply.raw("{\"error\":\"no n\"}");
      return Status::BadRequest;
    }
    reply.printf("{\"n\":%ld}", long(n));
    return Status::Ok;
  }
  static Status flood(const json::Value&, ReplyWriter& reply) {
    for (int i = 0; i < 1000; i++) reply.raw("\"0123456789\",");
    return Status::Ok;
  }
  static constexpr Handler kHandlers[] = {{40, "echo", echo}, {41, "flood", flood}};

  Harness() : server(kHandlers, 2, {this, send, refused}) {}
  static void send(void* self, const uint8_t* data, size_t n) {
    auto& out = static_cast<Harness*>(self)->sent;
    out.insert(out.end(), data, data + n);
  }
  static void refused(void* self, uint8_t type, const char* why) {
    static_cast<Harness*>(self)->refusals.push_back(std::to_string(type) + ": " + why);
  }
  Decoded replies() const { return decode(sent, sent.size() ? sent.size() : 1, Kind::Reply, kMaxReplyPayload); }

  Server server;
  Bytes sent;
  std::vector<std::string> refusals;
};

TEST(ControlServer, HelloListsTheRequests) {
  Harness h;
  Bytes in = request(kTypeHello, 3);
  h.server.receive(in.data(), in.size());
  Decoded d = h.replies();
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].kind, Kind::Reply);
  EXPECT_EQ(d.frames[0].type, kTypeHello);
  EXPECT_EQ(d.frames[0].id, 3u);
  EXPECT_EQ(d.frames[0].status, Status::Ok);
  EXPECT_EQ(d.payloads[0], "{\"protocol\":1,\"requests\":[\"hello\",\"echo\",\"flood\"]}");
  EXPECT_TRUE(h.refusals.empty());
}

TEST(ControlServer, HandlersGetTheirArguments) {
  Harness h;
  Bytes in = request(40, 9, " {\"n\": -12, \"later\": [1]}") + request(40, 10, "{}");
  h.server.receive(in.data(), in.size());
  Decoded d = h.replies();
  ASSERT_EQ(d.frames.size(), 2u);
  EXPECT_EQ(d.frames[0].status, Status::Ok);
  EXPECT_EQ(d.payloads[0], "{\"n\":-12}");
  EXPECT_EQ(d.frames[1].status, Status::BadRequest);
  EXPECT_EQ(d.frames[1].id, 10u);
  EXPECT_EQ(d.payloads[1], "{\"error\":\"no n\"}");
  EXPECT_EQ(h.refusals, (std::vector<std::string>{"40: bad request"}));
}

TEST(ControlServer, RefusesWhatItCannotRead) {
  Harness h;
  Bytes nul = request(40, 4, "{\"n\":1}");
  nul.back() = 0;
  Bytes in = request(77, 1) + request(40, 2, "[1]") + request(40, 3, "x{\"n\":1}") + nul +
             request(40, 5, "{\"n\":") + request(41, 6);
  h.server.receive(in.data(), in.size());
  Decoded d = h.replies();
  ASSERT_EQ(d.frames.size(), 6u);
  EXPECT_EQ(d.frames[0].status, Status::UnknownType);
  EXPECT_EQ(d.payloads[0], "{\"error\":\"unknown request type 77\"}");
  for (int i = 1; i <= 4; i++) {
    EXPECT_EQ(d.frames[i].status, Status::BadRequest) << i;
    EXPECT_EQ(d.frames[i].id, uint32_t(i + 1));
    EXPECT_EQ(d.payloads[i], "{\"error\":\"the arguments are not one JSON object\"}");
  }
  EXPECT_EQ(d.frames[5].status, Status::Failed);
  EXPECT_EQ(d.payloads[5], "{\"error\":\"the reply does not fit\"}");
  EXPECT_EQ(h.refusals.size(), 6u);
  EXPECT_EQ(h.refusals[0], "77: unknown request type");
  EXPECT_EQ(h.refusals[5], "41: the reply does not fit");
}

TEST(ControlServer, BadFramesGetOneReplyEach) {
  Harness h;
  Bytes bad_version = request(40, 21, "{\"n\":1}");
  bad_version[4] = 9;
  Bytes in = text("garbage garbage garbage") + bad_version + request(40, 22, "{\"n\":2}");
  h.server.receive(in.data(), in.size());
  Decoded d = h.replies();
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.frames[0].status, Status::Malformed);
  EXPECT_EQ(d.frames[0].id, 0u);
  EXPECT_EQ(d.frames[0].type, kTypeNone);
  EXPECT_EQ(d.payloads[0], "{\"error\":\"no frame magic\",\"protocol\":1}");
  EXPECT_EQ(d.frames[1].status, Status::BadVersion);
  EXPECT_EQ(d.frames[1].id, 21u);
  EXPECT_EQ(d.frames[2].status, Status::Ok);
  EXPECT_EQ(d.payloads[2], "{\"n\":2}");
  EXPECT_EQ(h.refusals, (std::vector<std::string>{"0: no frame magic", "40: unknown protocol version"}));
}

TEST(ControlReply, StringsAreEscaped) {
  char buf[64];
  ReplyWriter w(buf, sizeof buf);
  w.string("a\"b\\c\n\x01");
  EXPECT_EQ(std::string(w.data(), w.length()), "\"a\\\"b\\\\c\\u000a\\u0001\"");
  EXPECT_FALSE(w.overflowed());
  ReplyWriter tiny(buf, 4);
  tiny.raw("12345");
  EXPECT_TRUE(tiny.overflowed());
  EXPECT_EQ(tiny.length(), 0u);
}

json::Value parse(json::Document& doc, json::Token* tokens, const char* s) {
  EXPECT_EQ(doc.parse(s, strlen(s), tokens, 16), json::Error::None);
  return doc.root();
}

TEST(ControlArgs, Stop) {
  json::Document doc;
  json::Token tokens[16];
  uint64_t ms = 1;
  const char* why = "";
  EXPECT_TRUE(read_stop_args(parse(doc, tokens, "{}"), &ms, &why));
  EXPECT_EQ(ms, kDefaultGraceMs);
  EXPECT_TRUE(read_stop_args(parse(doc, tokens, "{\"grace_ms\":0,\"newer\":true}"), &ms, &why));
  EXPECT_EQ(ms, 0u);
  EXPECT_TRUE(read_stop_args(parse(doc, tokens, "{\"grace_ms\":3600000}"), &ms, &why));
  EXPECT_EQ(ms, kMaxGraceMs);
  for (const char* bad : {"{\"grace_ms\":3600001}", "{\"grace_ms\":-1}", "{\"grace_ms\":1.5}", "{\"grace_ms\":\"5\"}"}) {
    EXPECT_FALSE(read_stop_args(parse(doc, tokens, bad), &ms, &why)) << bad;
    EXPECT_STREQ(why, "grace_ms must be an integer from 0 to 3600000");
  }
}

}  // namespace
}  // namespace kiln::control
