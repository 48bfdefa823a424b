// Paths inside the guest, as --file, --rootfs and -b name them.
#pragma once

#include <string>
#include <vector>

namespace kiln::cli {

// Normalizes an absolute guest path: collapses "//" and ".", refuses "..",
// names over 255 bytes, paths over 4095 and the reserved /.kiln. Returns it
// without the leading '/' ("" for the root). Throws UsageError naming WHAT.
std::string normalize_guest_path(const std::string& path, const std::string& what);

// "a/b//c" -> {"a", "b", "c"}.
std::vector<std::string> split_path(const std::string& path);
// {"a", "b"} -> "a/b", from element FROM on.
std::string join_path(const std::vector<std::string>& parts, size_t from = 0);

}  // namespace kiln::cli
