#include "control/frame.h"

#include "lib/mem.h"

namespace kiln::control {
namespace {

uint32_t load32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void store32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (8 * i));
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::Malformed: return "malformed";
    case Status::BadVersion: return "bad version";
    case Status::UnknownType: return "unknown type";
    case Status::BadRequest: return "bad request";
    case Status::Failed: return "failed";
  }
  return "?";
}

const char* frame_error_string(FrameError e) {
  switch (e) {
    case FrameError::None: return "no error";
    case FrameError::BadMagic: return "no frame magic";
    case FrameError::BadVersion: return "unknown protocol version";
    case FrameError::BadKind: return "wrong kind of frame";
    case FrameError::BadStatus: return "a status in a request";
    case FrameError::TooLong: return "payload over the bound";
  }
  return "?";
}

void encode_header(const Header& h, uint8_t out[kHeaderSize]) {
  memcpy(out, kMagic, sizeof kMagic);
  out[4] = h.version;
  out[5] = uint8_t(h.kind);
  out[6] = h.type;
  out[7] = uint8_t(h.status);
  store32(out + 8, h.id);
  store32(out + 12, h.length);
}

void FrameDecoder::reset() {
  have_ = 0;
  in_payload_ = false;
  resync_ = false;
  error_ = FrameError::None;
}

FrameError FrameDecoder::check_header() {
  if (header_.version != kVersion) return FrameError::BadVersion;
  if (header_.kind != kind_) return FrameError::BadKind;
  if (kind_ == Kind::Request && header_.status != Status::Ok) return FrameError::BadStatus;
  if (header_.length > max_payload_) return FrameError::TooLong;
  return FrameError::None;
}

FrameDecoder::Result FrameDecoder::take_header_byte(uint8_t b) {
  if (have_ < sizeof kMagic) {
    if (b == kMagic[have_]) {
      raw_[have_++] = b;
      return Result::NeedMore;
    }
    // The magic's first letter appears nowhere else in it, so a mismatch
    // can only restart at this very byte.
    bool report = !resync_;
    resync_ = true;
    have_ = 0;
    if (b == kMagic[0]) raw_[have_++] = b;
    if (!report) return Result::NeedMore;
    header_ = Header{};
    error_ = FrameError::BadMagic;
    return Result::Error;
  }
  raw_[have_++] = b;
  if (have_ < kHeaderSize) return Result::NeedMore;
  have_ = 0;
  header_.version = raw_[4];
  header_.kind = Kind(raw_[5]);
  header_.type = raw_[6];
  header_.status = Status(raw_[7]);
  header_.id = load32(raw_ + 8);
  header_.length = load32(raw_ + 12);
  error_ = check_header();
  if (error_ != FrameError::None) {
    resync_ = true;
    return Result::Error;
  }
  if (header_.length == 0) {
    resync_ = false;
    return Result::Frame;
  }
  in_payload_ = true;
  return Result::NeedMore;
}

FrameDecoder::Result FrameDecoder::feed(const uint8_t* data, size_t n, size_t* used) {
  size_t i = 0;
  while (i < n) {
    if (in_payload_) {
      size_t take = header_.length - have_;
      if (take > n - i) take = n - i;
      memcpy(payload_ + have_, data + i, take);
      have_ += take;
      i += take;
      if (have_ < header_.length) break;
      have_ = 0;
      in_payload_ = false;
      resync_ = false;
      *used = i;
      return Result::Frame;
    }
    Result r = take_header_byte(data[i++]);
    if (r != Result::NeedMore) {
      *used = i;
      return r;
    }
  }
  *used = i;
  return Result::NeedMore;
}

}  // namespace kiln::control
