// Any byte string into the JSON parser and every accessor: no crash, no UB.
#include <stddef.h>
#include <stdint.h>

#include "lib/json.h"

using namespace kiln::json;

static void walk(const Value& v, int depth) {
  if (depth > 80) return;
  bool b;
  int64_t i;
  uint64_t u;
  char buf[64];
  v.as_bool(&b);
  v.as_int(&i);
  v.as_uint(&u);
  v.copy_string(buf, sizeof buf);
  v.string_length();
  v.equals("args");
  v.get("env");
  for (size_t k = 0; k < v.size() && k < 64; k++) {
    v.key_at(k).equals("x");
    walk(v.at(k), depth + 1);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Token tokens[256];
  Document doc;
  if (doc.parse(reinterpret_cast<const char*>(data), size, tokens, 256) == Error::None)
    walk(doc.root(), 0);
  return 0;
}
