// The programs `kiln bake` put into the image (.kiln/manifest.json), in
// bake order.
#pragma once

#include <stddef.h>

namespace kiln {

struct ImageProgram {
  char path[256];   // in the image's root: "/bin/nginx"
  char argv0[256];  // the name it was baked under: "nginx"
};

// Fills up to `max` entries; returns how many the image holds (0 when it
// has no manifest or a malformed one).
size_t read_manifest(ImageProgram* out, size_t max);

}  // namespace kiln
