#include "core/manifest.h"

#include <stdint.h>

#include "core/payload.h"
#include "kiln/image.h"
#include "lib/json.h"

namespace kiln {

size_t read_manifest(ImageProgram* out, size_t max) {
  const uint8_t* data;
  size_t size;
  if (!payload_find(image::kManifestPath, &data, &size)) return 0;
  json::Token tokens[256];
  json::Document doc;
  if (doc.parse(reinterpret_cast<const char*>(data), size, tokens, 256) != json::Error::None)
    return 0;
  json::Value programs = doc.root().get("programs");
  if (!programs.valid()) return 0;
  size_t n = programs.size();
  for (size_t i = 0; i < n; i++) {
    json::Value p = programs.at(i);
    ImageProgram scratch;
    ImageProgram& to = i < max ? out[i] : scratch;
    if (!p.get("path").copy_string(to.path, sizeof to.path) ||
        !p.get("argv0").copy_string(to.argv0, sizeof to.argv0))
      return 0;
  }
  return n;
}

}  // namespace kiln
