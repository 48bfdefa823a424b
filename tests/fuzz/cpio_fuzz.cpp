// Any byte string as a payload archive: iterate and look up, no crash.
#include <stddef.h>
#include <stdint.h>

#include "lib/cpio.h"

using namespace kiln::cpio;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  Entry e;
  volatile uint8_t sink = 0;
  for (int n = 0; n < 10000 && r.next(&e) == Error::None; n++) {
    if (e.size) sink = sink + e.data[e.size - 1];
    if (e.name_len) sink = sink + uint8_t(e.name[e.name_len - 1]);
  }
  find(data, size, ".kiln/manifest.json", &e);
  return 0;
}
