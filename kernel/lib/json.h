// A small JSON parser (RFC 8259) for the boot configuration and the bake
// manifest. No allocation: the caller supplies the token array, and values
// are views into the caller's text, which must outlive the Document.
//
// Beyond RFC 8259, as Rumprun's launcher wrote its command lines: text
// before the first '{' is skipped, a trailing comma may end an array or an
// object, and a NUL byte ends the text. The root is always an object.
// Strings must be well-formed UTF-8; an unpaired surrogate escape (\ud800)
// decodes to U+FFFD. Parsing is iterative: nesting costs no stack.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::json {

enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };

// One value. A container's children follow it in document order; an
// object's children alternate key, value.
struct Token {
  Type type;
  uint32_t start, end;  // text span; a string's leaves out the quotes
  uint32_t size;        // array elements or object members
  uint32_t next;        // index of the first token after this subtree
};

enum class Error {
  None,
  NoMemory,   // more values than tokens (or a text of 4 GiB or more)
  Syntax,
  Truncated,  // the text ends inside a value
  TooDeep,    // more than Document::kMaxDepth nested arrays and objects
};
const char* error_string(Error e);

class Document;

// A cheap handle on one value. Every accessor is safe on an invalid Value
// (a missing key, an index out of range) and on a value of the wrong type.
class Value {
 public:
  Value() = default;  // invalid

  bool valid() const { return doc_ != nullptr; }
  Type type() const;  // Null when invalid: check valid() to tell them apart
  bool is_null() const { return valid() && type() == Type::Null; }
  bool is_bool() const { return valid() && type() == Type::Bool; }
  bool is_number() const { return valid() && type() == Type::Number; }
  bool is_string() const { return valid() && type() == Type::String; }
  bool is_array() const { return valid() && type() == Type::Array; }
  bool is_object() const { return valid() && type() == Type::Object; }

  size_t size() const;            // elements or members; 0 for scalars
  Value at(size_t i) const;       // element i, or member i's value: O(i)
  Value key_at(size_t i) const;   // member i's key (a string)
  Value get(const char* key) const;  // the first member named key: O(members)

  // False, leaving *out alone, unless the value has that type. Integers are
  // exact: a fraction, an exponent or an overflow gives false.
  bool as_bool(bool* out) const;
  bool as_int(int64_t* out) const;
  bool as_uint(uint64_t* out) const;

  // The decoded string, NUL-terminated; false if not a string, if it does
  // not fit (cap counts the NUL; buf then holds a prefix) or if it holds
  // U+0000, which a C string cannot. *out_len gets the decoded length.
  bool copy_string(char* buf, size_t cap, size_t* out_len = nullptr) const;
  size_t string_length() const;      // decoded bytes, without a NUL
  bool equals(const char* s) const;  // decoded string == s

 private:
  friend class Document;
  Value(const Document* d, uint32_t i) : doc_(d), index_(i) {}
  const Token& token() const;
  uint32_t child(size_t i) const;  // token index of the i-th child
  template <typename Put>
  void decode(Put put) const;

  const Document* doc_ = nullptr;
  uint32_t index_ = 0;
};

class Document {
 public:
  static constexpr uint32_t kMaxDepth = 64;

  // Parses text[0, len) into tokens; on failure root() is invalid and
  // error_offset() tells where parsing stopped.
  Error parse(const char* text, size_t len, Token* tokens, size_t capacity);
  Value root() const { return count_ ? Value(this, 0) : Value(); }
  size_t error_offset() const { return error_at_; }

 private:
  friend class Value;
  const char* text_ = nullptr;
  const Token* tokens_ = nullptr;
  size_t count_ = 0, error_at_ = 0;
};

}  // namespace kiln::json
