#include "guest_path.h"

#include "errors.h"

namespace kiln::cli {

namespace {
constexpr size_t kNameMax = 255, kPathMax = 4095;
}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string join_path(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : "/") + parts[i];
  return out;
}

std::string normalize_guest_path(const std::string& path, const std::string& what) {
  if (path.empty() || path[0] != '/')
    throw UsageError(what + ": the guest path '" + path + "' must be absolute (start with /)");
  std::vector<std::string> parts;
  for (auto& part : split_path(path)) {
    if (part == ".") continue;
    if (part == "..") throw UsageError(what + ": the guest path '" + path + "' must not contain '..'");
    if (part.size() > kNameMax)
      throw UsageError(what + ": a name in the guest path '" + path + "' is longer than 255 bytes");
    parts.push_back(part);
  }
  std::string out = join_path(parts);
  if (out.size() > kPathMax) throw UsageError(what + ": the guest path is longer than 4095 bytes");
  if (!parts.empty() && parts[0] == ".kiln")
    throw UsageError(what + ": /.kiln is reserved for kiln's own files");
  return out;
}

}  // namespace kiln::cli
