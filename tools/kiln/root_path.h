// Guest paths looked up inside a host directory tree (a --rootfs staging
// dir, say) the way the guest will see them once the tree is its root: the
// tree's symlinks are followed inside it, absolute targets from its top,
// so /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/... in an
// unpacked libc6 leads to the tree's own copy, never the host's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kiln::cli {

struct RootPath {
  std::string guest;           // with every symlink resolved, e.g. /lib/x86_64-linux-gnu/libc.so.6
  std::filesystem::path host;  // ROOT / guest
};

// The regular file GUEST (absolute) names inside ROOT, or nothing if it is
// missing, not a regular file, or a symlink loop.
std::optional<RootPath> find_in_root(const std::filesystem::path& root, const std::string& guest);

}  // namespace kiln::cli
