// Any byte string as a payload archive: iterate and look up. No crash, and
// every entry lies inside the archive.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/cpio.h"

using namespace kiln::cpio;

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

bool inside(const void* p, size_t n, const uint8_t* data, size_t size) {
  auto b = static_cast<const uint8_t*>(p);
  return b >= data && b <= data + size && n <= size_t(data + size - b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  Entry e, first{};
  Error err;
  int n = 0;
  while ((err = r.next(&e)) == Error::None) {  // each entry takes 110 bytes or more
    require(inside(e.name, e.name_len, data, size) && inside(e.data, e.size, data, size));
    require(!memchr(e.name, 0, e.name_len));
    require(e.name_len == 0 || e.name[0] != '/');
    if (n++ == 0) first = e;
  }
  require(r.next(&e) == err);  // errors are final
  if (n > 0 && first.name_len < 256) {
    char name[256];
    memcpy(name, first.name, first.name_len);
    name[first.name_len] = 0;
    Entry found;
    require(find(data, size, name, &found) == Error::None && found.data == first.data);
  }
  return 0;
}
