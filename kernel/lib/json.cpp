// The JSON parser: one pass over the text, no recursion. An open container
// keeps its parent's index in `next` until it closes, so the tokens
// themselves are the parser's stack.
#include "lib/json.h"

#include "lib/json_text.h"

namespace kiln::json {
namespace {

constexpr uint32_t kNone = 0xffffffff;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Parser {
 public:
  Parser(const char* text, size_t len, Token* tokens, size_t capacity)
      : text_(text), len_(len), tokens_(tokens), capacity_(capacity) {}
  Error root();
  size_t pos() const { return pos_; }
  size_t count() const { return count_; }

 private:
  Error member_key();
  Error scalar();
  Error string();
  Error escape();
  Error number();
  Error literal(const char* word, Type type);
  Error open();
  void close();
  bool add(Type type, size_t start, size_t end);
  bool in_object() const { return open_ != kNone && tokens_[open_].type == Type::Object; }
  char closer() const { return tokens_[open_].type == Type::Object ? '}' : ']'; }
  bool at_end() const { return pos_ >= len_; }
  void skip_blanks() {
    while (pos_ < len_ && is_blank(text_[pos_])) pos_++;
  }

  const char* text_;
  size_t len_, pos_ = 0;
  Token* tokens_;
  size_t capacity_, count_ = 0;
  uint32_t open_ = kNone;  // the innermost unclosed container
  uint32_t depth_ = 0;
};

bool Parser::add(Type type, size_t start, size_t end) {
  if (count_ == capacity_) return false;
  tokens_[count_] = Token{type, uint32_t(start), uint32_t(end), 0, uint32_t(count_ + 1)};
  count_++;
  return true;
}

Error Parser::open() {
  if (depth_ == Document::kMaxDepth) return Error::TooDeep;
  Type type = text_[pos_] == '{' ? Type::Object : Type::Array;
  if (!add(type, pos_, pos_)) return Error::NoMemory;
  tokens_[count_ - 1].next = open_;  // the parent, until close()
  open_ = uint32_t(count_ - 1);
  depth_++;
  pos_++;
  return Error::None;
}

void Parser::close() {
  Token& t = tokens_[open_];
  pos_++;
  open_ = t.next;
  t.end = uint32_t(pos_);
  t.next = uint32_t(count_);
  depth_--;
  if (open_ != kNone) tokens_[open_].size++;
}

Error Parser::literal(const char* word, Type type) {
  size_t n = strlen(word), have = len_ - pos_ < n ? len_ - pos_ : n;
  if (memcmp(text_ + pos_, word, have) != 0) return Error::Syntax;
  if (have < n) return Error::Truncated;
  if (!add(type, pos_, pos_ + n)) return Error::NoMemory;
  pos_ += n;
  return Error::None;
}

Error Parser::number() {
  size_t start = pos_;
  auto digit = [&] { return pos_ < len_ && text_[pos_] >= '0' && text_[pos_] <= '9'; };
  // One or more digits, or an error saying why there are none.
  auto digits = [&] {
    if (!digit()) return at_end() ? Error::Truncated : Error::Syntax;
    while (digit()) pos_++;
    return Error::None;
  };
  if (text_[pos_] == '-') pos_++;
  if (!at_end() && text_[pos_] == '0') {
    pos_++;  // no leading zeros: "01" stops after the 0 and fails in the container
  } else if (Error e = digits(); e != Error::None) {
    return e;
  }
  if (!at_end() && text_[pos_] == '.') {
    pos_++;
    if (Error e = digits(); e != Error::None) return e;
  }
  if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    pos_++;
    if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-')) pos_++;
    if (Error e = digits(); e != Error::None) return e;
  }
  return add(Type::Number, start, pos_) ? Error::None : Error::NoMemory;
}

// At a backslash inside a string.
Error Parser::escape() {
  if (len_ - pos_ < 2) return Error::Truncated;
  switch (text_[pos_ + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
      pos_ += 2;
      return Error::None;
    case 'u':
      for (size_t i = pos_ + 2; i < pos_ + 6; i++) {
        if (i >= len_) return Error::Truncated;
        if (hex_digit(text_[i]) < 0) return Error::Syntax;
      }
      pos_ += 6;
      return Error::None;
  }
  return Error::Syntax;
}

Error Parser::string() {
  size_t start = ++pos_;  // past the quote
  while (!at_end()) {
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      if (!add(Type::String, start, pos_)) return Error::NoMemory;
      pos_++;
      return Error::None;
    }
    if (c < 0x20) return Error::Syntax;  // control characters must be escaped
    if (c == '\\') {
      if (Error e = escape(); e != Error::None) return e;
    } else if (c < 0x80) {
      pos_++;
    } else {
      size_t n = utf8_sequence(text_ + pos_, len_ - pos_);
      if (n == 0) return Error::Syntax;
      if (n > len_ - pos_) return Error::Truncated;
      pos_ += n;
    }
  }
  return Error::Truncated;
}

Error Parser::scalar() {
  char c = text_[pos_];
  if (c == '"') return string();
  if (c == 't') return literal("true", Type::Bool);
  if (c == 'f') return literal("false", Type::Bool);
  if (c == 'n') return literal("null", Type::Null);
  if (c == '-' || (c >= '0' && c <= '9')) return number();
  return Error::Syntax;
}

// A member's key and colon, leaving pos_ at its value.
Error Parser::member_key() {
  if (text_[pos_] != '"') return Error::Syntax;
  if (Error e = string(); e != Error::None) return e;
  skip_blanks();
  if (at_end()) return Error::Truncated;
  if (text_[pos_++] != ':') return Error::Syntax;
  skip_blanks();
  return at_end() ? Error::Truncated : Error::None;
}

// Alternates between wanting a value (or a closing bracket, which allows
// empty containers and trailing commas) and wanting a comma or a closing
// bracket after one, until the root object closes.
Error Parser::root() {
  while (pos_ < len_ && text_[pos_] != '{') pos_++;  // Rumprun let text precede it
  if (at_end()) return Error::Syntax;
  bool want_value = true;
  for (;;) {
    skip_blanks();
    if (at_end()) return Error::Truncated;
    char c = text_[pos_];
    if (want_value && open_ != kNone && c == closer()) {
      want_value = false;
    } else if (want_value) {
      if (in_object()) {
        if (Error e = member_key(); e != Error::None) return e;
        c = text_[pos_];
      }
      if (c == '{' || c == '[') {
        if (Error e = open(); e != Error::None) return e;
        continue;
      }
      if (Error e = scalar(); e != Error::None) return e;
      tokens_[open_].size++;
      want_value = false;
    } else if (c == ',') {
      pos_++;
      want_value = true;
    } else if (c == closer()) {
      close();
      if (open_ == kNone) return Error::None;
    } else {
      return Error::Syntax;
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
  return "unknown JSON error";
}

Error Document::parse(const char* text, size_t len, Token* tokens, size_t capacity) {
  text_ = text;
  tokens_ = tokens;
  count_ = error_at_ = 0;
  if (len >= kNone) return Error::NoMemory;  // offsets are 32-bit
  Parser p(text, len, tokens, capacity);
  Error e = p.root();
  size_t pos = p.pos();
  if (e == Error::None) {
    while (pos < len && is_blank(text[pos])) pos++;
    if (pos < len && text[pos] != '\0') e = Error::Syntax;
  }
  if (e != Error::None) {
    error_at_ = pos;
    return e;
  }
  count_ = p.count();
  return Error::None;
}

}  // namespace kiln::json
