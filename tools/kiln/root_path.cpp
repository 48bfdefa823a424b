#include "root_path.h"

#include <sys/stat.h>

#include "guest_path.h"

namespace kiln::cli {
namespace fs = std::filesystem;

namespace {
constexpr int kMaxSymlinkHops = 40;  // Linux's MAXSYMLINKS
}

std::optional<RootPath> find_in_root(const fs::path& root, const std::string& guest) {
  std::vector<std::string> todo = split_path(guest);  // components still to walk
  std::vector<std::string> done;                      // resolved so far, no symlinks in it
  int hops = 0;
  for (size_t i = 0; i < todo.size(); ++i) {
    const std::string& part = todo[i];
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();  // ".." at the top stays at the top, as in a chroot
      continue;
    }
    done.push_back(part);
    fs::path host = root / join_path(done);
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) continue;
    if (++hops > kMaxSymlinkHops) return std::nullopt;
    std::error_code ec;
    std::string target = fs::read_symlink(host, ec).string();
    if (ec || target.empty()) return std::nullopt;
    done.pop_back();
    if (target[0] == '/') done.clear();
    // Continue with the target's components, then what was left after the link.
    std::vector<std::string> rest = split_path(target);
    rest.insert(rest.end(), todo.begin() + long(i) + 1, todo.end());
    todo = std::move(rest);
    i = size_t(-1);
  }
  fs::path host = root / join_path(done);
  struct stat st {};
  if (done.empty() || ::stat(host.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return RootPath{"/" + join_path(done), host};
}

}  // namespace kiln::cli
