// Any kernel command line into the boot configuration parser.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <vector>

#include "core/bootcfg.h"

static std::vector<void*> g_allocs;

static void* track(size_t n) {
  void* p = malloc(n);
  g_allocs.push_back(p);
  return p;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kiln::BootConfig cfg;
  const char* error = nullptr;
  kiln::parse_boot_config(reinterpret_cast<const char*>(data), size, &cfg, track, &error);
  for (void* p : g_allocs) free(p);
  g_allocs.clear();
  return 0;
}
