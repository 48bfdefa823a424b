// Any byte string as a program image: parse, walk segments, symbolize.
#include <stddef.h>
#include <stdint.h>

#include "lib/elf.h"

using namespace kiln::elf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Image img;
  if (img.parse(data, size) != Error::None) return 0;
  volatile uint64_t sink = img.min_vaddr() + img.max_vaddr() + img.entry();
  for (size_t i = 0; i < img.segment_count(); i++) sink = sink + img.segment(i).memsz;
  const char* path;
  size_t len;
  if (img.interp(&path, &len) && len) sink = sink + uint8_t(path[len - 1]);
  const char* name;
  uint64_t off, sz, addr;
  if (img.symbolize(img.entry(), &name, &len, &off) && len) sink = sink + uint8_t(name[len - 1]);
  img.find_section(".kiln_payload", &off, &sz, &addr);
  img.has_dynamic();
  return 0;
}
