// The bake configuration this kernel file was linked for ("hw_virtio"),
// named in the messages that refuse what it was built without.
#pragma once

namespace kiln {

extern const char kBakeConfig[];

}  // namespace kiln
