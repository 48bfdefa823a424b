// Any byte string as a program image: parse, walk segments, symbolize, find
// sections. No crash, and every answer points inside the file.
#include <stddef.h>
#include <stdint.h>

#include "lib/elf.h"

using namespace kiln::elf;

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

bool inside(const void* p, uint64_t n, const uint8_t* data, size_t size) {
  auto b = static_cast<const uint8_t*>(p);
  return b >= data && b <= data + size && n <= uint64_t(data + size - b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Image img;
  if (img.parse(data, size) != Error::None) {
    require(img.segment_count() == 0);
    return 0;
  }
  for (size_t i = 0; i < img.segment_count(); i++) {
    Segment s = img.segment(i);
    if (s.type == kPtNull) continue;
    require(inside(data + s.offset, s.filesz, data, size));
    if (s.type == kPtLoad) require(s.memsz >= s.filesz && s.vaddr + s.memsz <= kProgramTop);
  }
  const char* name;
  size_t len;
  if (img.interp(&name, &len)) require(inside(name, len + 1, data, size) && name[len] == 0);
  uint64_t off, sz, addr;
  const uint64_t addrs[] = {img.entry(), img.entry() + 1, img.min_vaddr(), img.max_vaddr() - 1};
  for (uint64_t a : addrs) {
    if (img.symbolize(a, &name, &len, &off)) require(inside(name, len, data, size) && off <= a);
  }
  const char* const sections[] = {".kiln_payload", ".text", ".symtab", ""};
  for (const char* s : sections) {
    if (img.find_section(s, &off, &sz, &addr)) require(inside(data + off, sz, data, size));
  }
  img.has_dynamic();
  return 0;
}
