#include "core/payload.h"

#include "core/memory.h"
#include "kiln/image.h"
#include "lib/cpio.h"

namespace kiln {

// `kiln bake` fills this in the image file (docs/internals.md).
[[gnu::section(".kiln_payload"), gnu::used]] volatile image::PayloadInfo g_payload_info = {};

void payload_location(uint64_t* paddr, uint64_t* size) {
  if (g_payload_info.magic != image::kPayloadMagic) {
    *paddr = *size = 0;
    return;
  }
  *paddr = g_payload_info.paddr;
  *size = g_payload_info.size;
}

bool payload_contains(const void* p) {
  uint64_t pa, size;
  payload_location(&pa, &size);
  auto start = static_cast<const uint8_t*>(phys_to_virt(pa));
  auto q = static_cast<const uint8_t*>(p);
  return size && q >= start && q < start + size;
}

bool payload_find(const char* name, const uint8_t** data, size_t* size) {
  uint64_t pa, len;
  payload_location(&pa, &len);
  if (!len) return false;
  auto archive = static_cast<const uint8_t*>(phys_to_virt(pa));
  cpio::Entry e;
  if (cpio::find(archive, len, name, &e) != cpio::Error::None) return false;
  *data = e.data;
  *size = e.size;
  return true;
}

}  // namespace kiln
