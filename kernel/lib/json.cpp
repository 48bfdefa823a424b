#include "lib/json.h"

#include "lib/mem.h"

namespace kiln::json {
namespace {

int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool read_hex4(const char* p, const char* end, uint32_t* out) {
  if (end - p < 4) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int d = hexval(p[i]);
    if (d < 0) return false;
    v = v << 4 | uint32_t(d);
  }
  *out = v;
  return true;
}

// Decodes a validated string body, calling put(byte) for each output byte.
template <typename Put>
void decode(const char* p, const char* end, Put put) {
  while (p < end) {
    char c = *p++;
    if (c != '\\') {
      put(c);
      continue;
    }
    char e = *p++;
    switch (e) {
      case 'b': put('\b'); break;
      case 'f': put('\f'); break;
      case 'n': put('\n'); break;
      case 'r': put('\r'); break;
      case 't': put('\t'); break;
      case 'u': {
        uint32_t cp = 0;
        read_hex4(p, end, &cp);
        p += 4;
        uint32_t lo;
        if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
            read_hex4(p + 2, end, &lo) && lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          p += 6;
        } else if (cp >= 0xd800 && cp < 0xe000) {
          cp = 0xfffd;  // a lone surrogate becomes U+FFFD
        }
        if (cp < 0x80) {
          put(char(cp));
        } else if (cp < 0x800) {
          put(char(0xc0 | cp >> 6));
          put(char(0x80 | (cp & 63)));
        } else if (cp < 0x10000) {
          put(char(0xe0 | cp >> 12));
          put(char(0x80 | ((cp >> 6) & 63)));
          put(char(0x80 | (cp & 63)));
        } else {
          put(char(0xf0 | cp >> 18));
          put(char(0x80 | ((cp >> 12) & 63)));
          put(char(0x80 | ((cp >> 6) & 63)));
          put(char(0x80 | (cp & 63)));
        }
        break;
      }
      default: put(e);  // \" \\ \/
    }
  }
}

}  // namespace

const char* error_string(Error e) {
  switch (e) {
    case Error::None: return "no error";
    case Error::NoMemory: return "too many JSON values";
    case Error::Syntax: return "JSON syntax error";
    case Error::Truncated: return "JSON text ends too early";
    case Error::TooDeep: return "JSON nested too deeply";
  }
  return "unknown error";
}

void Document::skip_blanks() {
  while (pos_ < len_ && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                         text_[pos_] == '\r'))
    pos_++;
}

int64_t Document::add(Type t, size_t start, size_t end) {
  if (count_ == capacity_) return -1;
  tokens_[count_] = Token{t, uint32_t(start), uint32_t(end), 0, uint32_t(count_ + 1)};
  return int64_t(count_++);
}

Error Document::literal(const char* word, Type t) {
  size_t n = strlen(word);
  if (len_ - pos_ < n) return Error::Truncated;
  if (memcmp(text_ + pos_, word, n) != 0) return Error::Syntax;
  if (add(t, pos_, pos_ + n) < 0) return Error::NoMemory;
  pos_ += n;
  return Error::None;
}

Error Document::number() {
  size_t start = pos_;
  if (pos_ < len_ && text_[pos_] == '-') pos_++;
  if (pos_ >= len_) return Error::Truncated;
  auto digit = [&] { return pos_ < len_ && text_[pos_] >= '0' && text_[pos_] <= '9'; };
  if (text_[pos_] == '0') {
    pos_++;
  } else if (digit()) {
    while (digit()) pos_++;
  } else {
    return Error::Syntax;
  }
  if (pos_ < len_ && text_[pos_] == '.') {
    pos_++;
    if (!digit()) return pos_ >= len_ ? Error::Truncated : Error::Syntax;
    while (digit()) pos_++;
  }
  if (pos_ < len_ && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    pos_++;
    if (pos_ < len_ && (text_[pos_] == '+' || text_[pos_] == '-')) pos_++;
    if (!digit()) return pos_ >= len_ ? Error::Truncated : Error::Syntax;
    while (digit()) pos_++;
  }
  return add(Type::Number, start, pos_) < 0 ? Error::NoMemory : Error::None;
}

Error Document::string() {
  size_t start = ++pos_;  // past the quote
  while (pos_ < len_) {
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      if (add(Type::String, start, pos_) < 0) return Error::NoMemory;
      pos_++;
      return Error::None;
    }
    if (c < 0x20) return Error::Syntax;
    if (c == '\\') {
      if (++pos_ >= len_) return Error::Truncated;
      char e = text_[pos_];
      if (e == 'u') {
        uint32_t cp;
        if (!read_hex4(text_ + pos_ + 1, text_ + len_, &cp))
          return len_ - pos_ - 1 < 4 ? Error::Truncated : Error::Syntax;
        pos_ += 4;
      } else if (!(e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't')) {
        return Error::Syntax;
      }
    }
    pos_++;
  }
  return Error::Truncated;
}

Error Document::value(int depth) {
  if (depth > kMaxDepth) return Error::TooDeep;
  skip_blanks();
  if (pos_ >= len_) return Error::Truncated;
  char c = text_[pos_];
  if (c == '"') return string();
  if (c == 't') return literal("true", Type::Bool);
  if (c == 'f') return literal("false", Type::Bool);
  if (c == 'n') return literal("null", Type::Null);
  if (c == '-' || (c >= '0' && c <= '9')) return number();
  if (c != '[' && c != '{') return Error::Syntax;
  bool object = c == '{';
  char close = object ? '}' : ']';
  int64_t me = add(object ? Type::Object : Type::Array, pos_, pos_);
  if (me < 0) return Error::NoMemory;
  pos_++;
  uint32_t members = 0;
  for (;;) {
    skip_blanks();
    if (pos_ >= len_) return Error::Truncated;
    if (text_[pos_] == close) break;  // empty, or after a trailing comma
    if (object) {
      if (text_[pos_] != '"') return Error::Syntax;
      Error e = string();
      if (e != Error::None) return e;
      skip_blanks();
      if (pos_ >= len_) return Error::Truncated;
      if (text_[pos_++] != ':') return Error::Syntax;
    }
    Error e = value(depth + 1);
    if (e != Error::None) return e;
    members++;
    skip_blanks();
    if (pos_ >= len_) return Error::Truncated;
    if (text_[pos_] == ',') {
      pos_++;
      continue;
    }
    if (text_[pos_] != close) return Error::Syntax;
  }
  pos_++;
  tokens_[me].end = uint32_t(pos_);
  tokens_[me].size = members;
  tokens_[me].next = uint32_t(count_);
  return Error::None;
}

Error Document::parse(const char* text, size_t len, Token* tokens, size_t capacity) {
  text_ = text;
  len_ = len;
  tokens_ = tokens;
  capacity_ = capacity;
  count_ = pos_ = error_at_ = 0;
  if (len > 0xffffffffu) return Error::NoMemory;
  // Rumprun's launcher let text precede the object.
  while (pos_ < len_ && text_[pos_] != '{') pos_++;
  if (pos_ == len_) return Error::Syntax;
  Error e = value(0);
  if (e == Error::None) {
    skip_blanks();
    if (pos_ < len_ && text_[pos_] != '\0') e = Error::Syntax;
  }
  if (e != Error::None) {
    error_at_ = pos_;
    count_ = 0;
  }
  return e;
}

const Token* Value::token() const { return &doc_->tokens_[index_]; }
Type Value::type() const { return valid() ? token()->type : Type::Null; }

size_t Value::size() const {
  if (!valid()) return 0;
  Type t = type();
  return t == Type::Array || t == Type::Object ? token()->size : 0;
}

uint32_t Value::child(size_t i) const {
  uint32_t c = index_ + 1;
  for (size_t k = 0; k < i; k++) c = doc_->tokens_[c].next;
  return c;
}

Value Value::at(size_t i) const {
  if (i >= size()) return Value();
  if (type() == Type::Array) return Value(doc_, child(i));
  return Value(doc_, doc_->tokens_[child(2 * i)].next);
}

Value Value::key_at(size_t i) const {
  if (type() != Type::Object || i >= size()) return Value();
  return Value(doc_, child(2 * i));
}

Value Value::get(const char* key) const {
  if (type() != Type::Object) return Value();
  uint32_t c = index_ + 1;
  for (size_t i = 0; i < size(); i++) {
    Value k(doc_, c);
    uint32_t v = doc_->tokens_[c].next;
    if (k.equals(key)) return Value(doc_, v);
    c = doc_->tokens_[v].next;
  }
  return Value();
}

bool Value::as_bool(bool* out) const {
  if (type() != Type::Bool) return false;
  *out = doc_->text_[token()->start] == 't';
  return true;
}

bool Value::as_uint(uint64_t* out) const {
  if (type() != Type::Number) return false;
  const char* p = doc_->text_ + token()->start;
  const char* end = doc_->text_ + token()->end;
  if (p == end || *p == '-') return false;
  uint64_t v = 0;
  for (; p < end; p++) {
    if (*p < '0' || *p > '9') return false;  // fractions and exponents are not integers
    uint64_t d = uint64_t(*p - '0');
    if (v > (~0ull - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool Value::as_int(int64_t* out) const {
  if (type() != Type::Number) return false;
  const char* p = doc_->text_ + token()->start;
  bool neg = *p == '-';
  Value digits = *this;
  uint64_t mag;
  if (neg) {
    // Parse the magnitude after the sign with the same checks.
    const char* end = doc_->text_ + token()->end;
    mag = 0;
    for (p++; p < end; p++) {
      if (*p < '0' || *p > '9') return false;
      uint64_t d = uint64_t(*p - '0');
      if (mag > (~0ull - d) / 10) return false;
      mag = mag * 10 + d;
    }
    if (mag > (1ull << 63)) return false;
    *out = int64_t(0 - mag);
    return true;
  }
  if (!digits.as_uint(&mag) || mag > uint64_t(INT64_MAX)) return false;
  *out = int64_t(mag);
  return true;
}

size_t Value::string_length() const {
  if (!is_string()) return 0;
  size_t n = 0;
  decode(doc_->text_ + token()->start, doc_->text_ + token()->end, [&](char) { n++; });
  return n;
}

bool Value::copy_string(char* buf, size_t cap, size_t* out_len) const {
  if (!is_string() || cap == 0) return false;
  size_t n = 0;
  bool fits = true;
  decode(doc_->text_ + token()->start, doc_->text_ + token()->end, [&](char c) {
    if (n + 1 < cap)
      buf[n] = c;
    else
      fits = false;
    n++;
  });
  buf[n < cap ? n : cap - 1] = '\0';
  if (out_len) *out_len = n;
  return fits;
}

bool Value::equals(const char* s) const {
  if (!is_string()) return false;
  size_t want = strlen(s), n = 0;
  bool same = true;
  decode(doc_->text_ + token()->start, doc_->text_ + token()->end, [&](char c) {
    if (n >= want || s[n] != c) same = false;
    n++;
  });
  return same && n == want;
}

}  // namespace kiln::json
