// Reading parsed JSON values. The parser validated every token, so the
// decoder below needs no bounds checks beyond the token's own span.
#include "lib/json.h"

#include "lib/json_text.h"

namespace kiln::json {
namespace {

uint32_t hex4(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = v << 4 | uint32_t(hex_digit(p[i]));
  return v;
}

template <typename Put>
void put_utf8(uint32_t cp, Put put) {
  if (cp < 0x80) {
    put(char(cp));
  } else if (cp < 0x800) {
    put(char(0xc0 | cp >> 6));
    put(char(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    put(char(0xe0 | cp >> 12));
    put(char(0x80 | (cp >> 6 & 0x3f)));
    put(char(0x80 | (cp & 0x3f)));
  } else {
    put(char(0xf0 | cp >> 18));
    put(char(0x80 | (cp >> 12 & 0x3f)));
    put(char(0x80 | (cp >> 6 & 0x3f)));
    put(char(0x80 | (cp & 0x3f)));
  }
}

bool is_high_surrogate(uint32_t cp) { return cp >= 0xd800 && cp < 0xdc00; }
bool is_low_surrogate(uint32_t cp) { return cp >= 0xdc00 && cp < 0xe000; }

// A number token's sign and magnitude, if it is an integer (no fraction or
// exponent) whose magnitude fits 64 bits.
bool integer(const char* p, const char* end, bool* negative, uint64_t* out) {
  *negative = *p == '-';
  p += *negative;
  uint64_t v = 0;
  for (; p < end; p++) {
    if (*p < '0' || *p > '9') return false;
    auto d = uint64_t(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

// Calls put(byte) for each byte of the decoded string.
template <typename Put>
void Value::decode(Put put) const {
  const char* p = doc_->text_ + token().start;
  const char* end = doc_->text_ + token().end;
  while (p < end) {
    char c = *p++;
    if (c != '\\') {
      put(c);
      continue;
    }
    switch (char e = *p++) {
      case 'b': put('\b'); break;
      case 'f': put('\f'); break;
      case 'n': put('\n'); break;
      case 'r': put('\r'); break;
      case 't': put('\t'); break;
      case 'u': {
        uint32_t cp = hex4(p);
        p += 4;
        if (is_high_surrogate(cp) && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
            is_low_surrogate(hex4(p + 2))) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(p + 2) - 0xdc00);
          p += 6;
        } else if (is_high_surrogate(cp) || is_low_surrogate(cp)) {
          cp = 0xfffd;  // unpaired: the replacement character
        }
        put_utf8(cp, put);
        break;
      }
      default: put(e);  // \" \\ \/
    }
  }
}

const Token& Value::token() const { return doc_->tokens_[index_]; }
Type Value::type() const { return valid() ? token().type : Type::Null; }

size_t Value::size() const { return is_array() || is_object() ? token().size : 0; }

uint32_t Value::child(size_t i) const {
  uint32_t c = index_ + 1;
  for (size_t k = 0; k < i; k++) c = doc_->tokens_[c].next;
  return c;
}

Value Value::at(size_t i) const {
  if (i >= size()) return Value();
  if (is_array()) return Value(doc_, child(i));
  return Value(doc_, doc_->tokens_[child(2 * i)].next);
}

Value Value::key_at(size_t i) const {
  if (!is_object() || i >= size()) return Value();
  return Value(doc_, child(2 * i));
}

Value Value::get(const char* key) const {
  if (!is_object()) return Value();
  uint32_t k = index_ + 1;
  for (size_t i = 0; i < size(); i++) {
    uint32_t v = doc_->tokens_[k].next;
    if (Value(doc_, k).equals(key)) return Value(doc_, v);
    k = doc_->tokens_[v].next;
  }
  return Value();
}

bool Value::as_bool(bool* out) const {
  if (!is_bool()) return false;
  *out = doc_->text_[token().start] == 't';
  return true;
}

bool Value::as_uint(uint64_t* out) const {
  bool negative;
  uint64_t m;
  if (!is_number() || !integer(doc_->text_ + token().start, doc_->text_ + token().end,
                               &negative, &m))
    return false;
  if (negative && m != 0) return false;  // -0 is zero
  *out = m;
  return true;
}

bool Value::as_int(int64_t* out) const {
  bool negative;
  uint64_t m;
  if (!is_number() || !integer(doc_->text_ + token().start, doc_->text_ + token().end,
                               &negative, &m))
    return false;
  if (m > (negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX))) return false;
  *out = negative ? int64_t(0 - m) : int64_t(m);
  return true;
}

size_t Value::string_length() const {
  if (!is_string()) return 0;
  size_t n = 0;
  decode([&](char) { n++; });
  return n;
}

bool Value::copy_string(char* buf, size_t cap, size_t* out_len) const {
  if (!is_string() || cap == 0) return false;
  size_t n = 0;
  bool has_nul = false;
  decode([&](char c) {
    if (n + 1 < cap) buf[n] = c;
    has_nul |= c == '\0';
    n++;
  });
  buf[n < cap ? n : cap - 1] = '\0';
  if (out_len) *out_len = n;
  return n < cap && !has_nul;
}

bool Value::equals(const char* s) const {
  if (!is_string()) return false;
  size_t want = strlen(s), n = 0;
  bool same = true;
  decode([&](char c) {
    same = same && n < want && s[n] == c;
    n++;
  });
  return same && n == want;
}

}  // namespace kiln::json
