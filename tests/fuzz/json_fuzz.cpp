// Any byte string into the JSON parser and every accessor: no crash, no UB,
// and what parses is a consistent tree.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/json.h"

using namespace kiln::json;

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// Token i's subtree: children inside its span, `next` just past them.
void check_tree(const Token* t, uint32_t i, uint32_t count, size_t len) {
  require(i < count && t[i].start <= t[i].end && t[i].end <= len && t[i].next > i &&
          t[i].next <= count);
  if (t[i].type != Type::Array && t[i].type != Type::Object) {
    require(t[i].next == i + 1 && t[i].size == 0);
    return;
  }
  uint32_t children = t[i].size * (t[i].type == Type::Object ? 2 : 1), c = i + 1;
  for (uint32_t k = 0; k < children; k++) {
    check_tree(t, c, count, len);
    require(t[c].start > t[i].start && t[c].end < t[i].end);
    if (t[i].type == Type::Object && k % 2 == 0) require(t[c].type == Type::String);
    c = t[c].next;
  }
  require(c == t[i].next);
}

void walk(const Value& v, int depth) {
  if (depth > 80) return;
  bool b;
  int64_t i;
  uint64_t u;
  char buf[64];
  size_t len = 0;
  require(v.as_bool(&b) == v.is_bool());
  if (v.as_int(&i) && i >= 0) require(v.as_uint(&u) && u == uint64_t(i));
  if (v.copy_string(buf, sizeof buf, &len)) {
    require(strlen(buf) == len && v.equals(buf));
  }
  require(v.string_length() == (v.is_string() ? len : 0));
  v.get("env");
  for (size_t k = 0; k < v.size() && k < 64; k++) {
    if (v.is_object()) require(v.key_at(k).is_string());
    require(v.at(k).valid());
    walk(v.at(k), depth + 1);
  }
  require(!v.at(v.size()).valid());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Token tokens[256];
  auto text = reinterpret_cast<const char*>(data);
  Document doc;
  Error full = doc.parse(text, size, tokens, 256);
  if (full == Error::None) {
    require(tokens[0].type == Type::Object);
    check_tree(tokens, 0, tokens[0].next, size);
    walk(doc.root(), 0);
  } else {
    require(!doc.root().valid() && doc.error_offset() <= size);
  }
  // Fewer tokens: the same result, or running out of them first.
  Error e = doc.parse(text, size, tokens, 8);
  require(e == full || e == Error::NoMemory);
  return 0;
}
