// A small JSON parser (RFC 8259) for the boot configuration and the bake
// manifest. No allocation: the caller supplies the token array. Tolerates
// text before the first '{' and trailing commas, as Rumprun's launcher
// emitted them.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::json {

enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };

// One value; an object's children alternate key, value.
struct Token {
  Type type;
  uint32_t start, end;  // text span (strings: inside the quotes)
  uint32_t size;        // array elements or object members
  uint32_t next;        // index of the token after this subtree
};

enum class Error { None, NoMemory, Syntax, Truncated, TooDeep };
const char* error_string(Error e);

class Document;

class Value {
 public:
  Value() = default;
  Value(const Document* d, uint32_t i) : doc_(d), index_(i) {}

  bool valid() const { return doc_ != nullptr; }
  Type type() const;
  bool is_string() const { return valid() && type() == Type::String; }
  size_t size() const;           // elements / members
  Value at(size_t i) const;      // element i, or member i's value
  Value key_at(size_t i) const;  // member i's key
  Value get(const char* key) const;

  bool as_bool(bool* out) const;
  bool as_int(int64_t* out) const;
  bool as_uint(uint64_t* out) const;
  // Decoded string; false if not a string or it does not fit (cap counts the NUL).
  bool copy_string(char* buf, size_t cap, size_t* out_len = nullptr) const;
  size_t string_length() const;
  bool equals(const char* s) const;

 private:
  const Token* token() const;
  uint32_t child(size_t i) const;  // token index of the i-th child
  const Document* doc_ = nullptr;
  uint32_t index_ = 0;
};

class Document {
 public:
  static constexpr int kMaxDepth = 64;
  Error parse(const char* text, size_t len, Token* tokens, size_t capacity);
  Value root() const { return count_ ? Value(this, 0) : Value(); }
  size_t error_offset() const { return error_at_; }

 private:
  friend class Value;
  Error value(int depth);
  Error string();
  Error number();
  Error literal(const char* word, Type t);
  void skip_blanks();
  int64_t add(Type t, size_t start, size_t end);

  const char* text_ = nullptr;
  size_t len_ = 0, pos_ = 0, error_at_ = 0;
  Token* tokens_ = nullptr;
  size_t capacity_ = 0, count_ = 0;
};

}  // namespace kiln::json
