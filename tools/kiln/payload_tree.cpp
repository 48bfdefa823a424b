#include "payload_tree.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "errors.h"
#include "guest_path.h"
#include "kiln/image.h"

namespace kiln::cli {

namespace {

constexpr int kMaxSymlinkHops = 40;  // Linux's MAXSYMLINKS
constexpr int kMaxDepth = 256;

// The owner recorded for a host file: the user running kiln becomes root
// (files one unpacked or wrote oneself), any other owner is kept (a tree
// unpacked by root keeps its owners).
uint32_t map_uid(uid_t uid) { return uid == ::getuid() ? 0 : static_cast<uint32_t>(uid); }
uint32_t map_gid(gid_t gid) { return gid == ::getgid() ? 0 : static_cast<uint32_t>(gid); }

uint32_t clamp_time(time_t t) { return t < 0 ? 0 : t > time_t(UINT32_MAX) ? UINT32_MAX : static_cast<uint32_t>(t); }

bool is_elf(const Bytes& data) { return data.size() >= 4 && std::memcmp(data.data(), "\x7f" "ELF", 4) == 0; }

}  // namespace

PayloadTree::PayloadTree(uint32_t mtime, std::optional<uint32_t> forced_mtime)
    : m_mtime(forced_mtime.value_or(mtime)), m_forced_mtime(forced_mtime) {}

PayloadTree::Node PayloadTree::node_from_host(Kind kind, const fs::path& host, const struct stat& st,
                                              const std::string& source) const {
  Node node{.kind = kind};
  node.mode = st.st_mode & 07777;
  node.uid = map_uid(st.st_uid);
  node.gid = map_gid(st.st_gid);
  node.mtime = m_forced_mtime.value_or(clamp_time(st.st_mtime));
  node.host = host;
  node.source = source;
  return node;
}

[[noreturn]] void PayloadTree::conflict(const std::string& path, const Node& existing, const Node& added) const {
  auto what = [](Kind kind) { return kind == Kind::Dir ? "a directory" : kind == Kind::File ? "a file" : "a symlink"; };
  if (existing.kind != added.kind)
    throw UsageError("bake: /" + path + " is " + what(existing.kind) + " (from " + existing.source + ") and " +
                     what(added.kind) + " (from " + added.source + ")");
  throw UsageError("bake: /" + path + " comes from two sources: " + existing.source + " and " + added.source);
}

bool PayloadTree::same_content(const Node& a, const Node& b) const {
  if (a.kind != b.kind) return false;
  if (a.kind == Kind::Symlink) return a.target == b.target;
  if (a.kind != Kind::File) return false;
  std::error_code ec1, ec2;
  if (fs::file_size(a.host, ec1) != fs::file_size(b.host, ec2) || ec1 || ec2) return false;
  return read_file(a.host, "bake: cannot read") == read_file(b.host, "bake: cannot read");
}

// Walks the parents of GUEST, creating the missing ones as implicit
// directories and following symlinks already in the tree, so that no
// archive entry lies below a symlink (the kernel does not follow them while
// it fills the root). FOLLOW_LAST treats GUEST itself as a parent too.
// Returns the path GUEST lands at.
std::string PayloadTree::resolve_parents(const std::string& guest, const std::string& source, bool follow_last) {
  std::vector<std::string> parts = split_path(guest);
  int hops = 0;
  for (size_t i = 0; i + (follow_last ? 0 : 1) < parts.size(); ++i) {
    std::string prefix = join_path(std::vector<std::string>(parts.begin(), parts.begin() + long(i) + 1));
    auto it = m_nodes.find(prefix);
    if (it == m_nodes.end()) {
      m_nodes[prefix] = Node{.kind = Kind::Dir, .mtime = m_mtime, .source = source, .implicit = true,
                             .seq = m_seq++};
      continue;
    }
    if (it->second.kind == Kind::Dir) continue;
    if (it->second.kind == Kind::File)
      throw UsageError("bake: " + source + " puts /" + guest + " below /" + prefix + ", which is a file (from " +
                       it->second.source + ")");
    if (++hops > kMaxSymlinkHops) throw UsageError("bake: too many levels of symlinks in /" + guest);
    // A symlink: continue from where it points, relative to its directory.
    const std::string& target = it->second.target;
    std::vector<std::string> resolved;
    if (target.empty() || target[0] != '/') resolved.assign(parts.begin(), parts.begin() + long(i));
    for (auto& part : split_path(target)) {
      if (part == ".") continue;
      if (part == "..") {
        if (!resolved.empty()) resolved.pop_back();
        continue;
      }
      resolved.push_back(part);
    }
    resolved.insert(resolved.end(), parts.begin() + long(i) + 1, parts.end());
    parts = std::move(resolved);
    if (parts.empty() || parts[0] == ".kiln")
      throw UsageError("bake: /" + guest + " leads through the symlink /" + prefix + " to a place kiln cannot use");
    i = size_t(-1);  // start over from the root with the resolved path
  }
  return join_path(parts);
}

std::string PayloadTree::add(const std::string& guest, Node node) {
  std::string path = resolve_parents(guest, node.source, false);
  node.seq = m_seq++;
  auto it = m_nodes.find(path);
  if (it == m_nodes.end()) {
    m_nodes.emplace(path, std::move(node));
    return path;
  }
  Node& old = it->second;
  if (old.kind == Kind::Dir && node.kind == Kind::Dir) {
    if (old.implicit) old = std::move(node);  // named at last: take its attributes
    return path;                               // else the first one named wins
  }
  if (old.kind == Kind::Symlink && node.kind == Kind::Dir) {
    // A directory where a tree has a symlink (merged /usr, say): its
    // contents go where the symlink points, as tar --keep-directory-symlink.
    return add(resolve_parents(path, node.source, true), std::move(node));
  }
  if (!same_content(old, node)) conflict(path, old, node);
  // The same bytes twice: one copy, placed as the program or library if it is one.
  if (node.early && !old.early) {
    old.early = true;
    old.seq = node.seq;
  }
  return path;
}

void PayloadTree::walk(const fs::path& host_dir, const std::string& guest_dir, const std::string& source,
                       int depth) {
  if (depth > kMaxDepth) throw Failure("bake: --rootfs " + source + ": directories nested too deep");
  DIR* dir = ::opendir(host_dir.c_str());
  if (!dir) throw Failure("bake: cannot read directory " + host_dir.string() + ": " + errno_string(errno));
  std::vector<std::string> names;
  errno = 0;
  while (dirent* d = ::readdir(dir)) {
    if (std::strcmp(d->d_name, ".") && std::strcmp(d->d_name, "..")) names.push_back(d->d_name);
  }
  int err = errno;
  ::closedir(dir);
  if (err) throw Failure("bake: cannot read directory " + host_dir.string() + ": " + errno_string(err));

  for (const auto& name : names) {
    fs::path host = host_dir / name;
    std::string guest = guest_dir.empty() ? name : guest_dir + "/" + name;
    normalize_guest_path("/" + guest, "bake: --rootfs " + source);
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) throw Failure("bake: cannot stat " + host.string() + ": " + errno_string(errno));
    std::string from = "--rootfs " + source;
    if (S_ISDIR(st.st_mode)) {
      add(guest, node_from_host(Kind::Dir, host, st, from));
      walk(host, guest, source, depth + 1);
    } else if (S_ISREG(st.st_mode)) {
      add(guest, node_from_host(Kind::File, host, st, from));
    } else if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      fs::path target = fs::read_symlink(host, ec);
      if (ec) throw Failure("bake: cannot read symlink " + host.string() + ": " + ec.message());
      Node node = node_from_host(Kind::Symlink, host, st, from);
      node.mode = 0777;
      node.target = target.string();
      add(guest, std::move(node));
    } else {
      m_skipped.push_back(host.string());
    }
  }
}

void PayloadTree::add_rootfs(const std::string& dir) {
  if (dir.empty()) throw UsageError("bake: --rootfs needs a directory");
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw Failure("bake: --rootfs " + dir + ": " + errno_string(errno));
  if (!S_ISDIR(st.st_mode))
    throw UsageError("bake: --rootfs " + dir + " is not a directory; use --file " + dir + " to bake one file");
  walk(dir, "", dir, 0);
}

void PayloadTree::add_file(const std::string& spec) {
  std::string host = spec, guest;
  struct stat st {};
  // HOST:GUEST, GUEST absolute; a HOST that exists as written has no GUEST.
  if (::stat(spec.c_str(), &st) != 0) {
    if (auto sep = spec.find(":/"); sep != std::string::npos) {
      host = spec.substr(0, sep);
      guest = spec.substr(sep + 1);
    } else if (spec.find(':') != std::string::npos) {
      throw UsageError("bake: --file " + spec + ": the guest path after ':' must be absolute (HOST:/path)");
    }
  }
  if (host.empty()) throw UsageError("bake: --file " + spec + ": missing the host file before ':'");
  std::string what = "bake: --file " + spec;
  if (::stat(host.c_str(), &st) != 0) throw Failure("bake: --file " + host + ": " + errno_string(errno));
  if (S_ISDIR(st.st_mode))
    throw UsageError("bake: --file " + host + " is a directory; use --rootfs " + host + " to bake a whole tree");
  if (!S_ISREG(st.st_mode)) throw UsageError("bake: --file " + host + " is not a regular file");
  if (::access(host.c_str(), R_OK) != 0) throw Failure("bake: --file " + host + ": " + errno_string(errno));
  std::string base = fs::path(host).filename().string();
  if (guest.empty()) guest = "/" + base;
  else if (guest.back() == '/') guest += base;
  std::string path = normalize_guest_path(guest, what);
  if (path.empty()) throw UsageError(what + ": the guest path must name a file, not /");
  add(path, node_from_host(Kind::File, host, st, "--file " + host));
}

std::string PayloadTree::add_program(const fs::path& host, const std::string& guest) {
  Node node{.kind = Kind::File, .mode = 0755, .mtime = m_mtime, .host = host, .source = "the program",
            .early = true};
  return add(normalize_guest_path(guest, "bake"), std::move(node));
}

std::string PayloadTree::add_library(const fs::path& host, const std::string& guest) {
  Node node{.kind = Kind::File, .mode = 0755, .mtime = m_mtime, .host = host,
            .source = "the program's library " + host.string(), .early = true};
  return add(normalize_guest_path(guest, "bake"), std::move(node));
}

void PayloadTree::add_alias(const std::string& guest, const std::string& target) {
  std::string path = resolve_parents(normalize_guest_path(guest, "bake"), "the program", false);
  if (m_nodes.contains(path)) return;
  m_nodes.emplace(path, Node{.kind = Kind::Symlink, .mode = 0777, .mtime = m_mtime, .target = target,
                             .source = "the program", .seq = m_seq++});
}

std::vector<PayloadTree::Listed> PayloadTree::write(CpioWriter& cpio) const {
  std::vector<Listed> listed;
  auto meta = [](const Node& n, uint32_t type) {
    return CpioMeta{.mode = type | n.mode, .uid = n.uid, .gid = n.gid, .mtime = n.mtime};
  };
  // Directories in path order: a parent sorts before what it holds.
  for (const auto& [path, node] : m_nodes) {
    if (node.kind != Kind::Dir) continue;
    cpio.add(path, meta(node, kS_IFDIR), nullptr, 0);
    listed.push_back({"/" + path, kS_IFDIR | node.mode, 0, {}});
  }
  std::vector<const std::pair<const std::string, Node>*> files;
  for (const auto& entry : m_nodes)
    if (entry.second.kind == Kind::File) files.push_back(&entry);
  std::stable_sort(files.begin(), files.end(), [](auto* a, auto* b) {
    if (a->second.early != b->second.early) return a->second.early;
    return a->second.early && a->second.seq < b->second.seq;
  });
  for (const auto* entry : files) {
    const auto& [path, node] = *entry;
    Bytes data = read_file(node.host, "bake: cannot read");
    // Programs and libraries start on a page, so the kernel can map them
    // straight from the payload; so does any other ELF file.
    if (node.early || is_elf(data)) cpio.align_next_data(path, image::kPageSize);
    cpio.add(path, meta(node, kS_IFREG), data.data(), data.size());
    listed.push_back({"/" + path, kS_IFREG | node.mode, data.size(), {}});
  }
  for (const auto& [path, node] : m_nodes) {
    if (node.kind != Kind::Symlink) continue;
    cpio.add(path, meta(node, kS_IFLNK), reinterpret_cast<const uint8_t*>(node.target.data()), node.target.size());
    listed.push_back({"/" + path, kS_IFLNK | node.mode, node.target.size(), node.target});
  }
  return listed;
}

}  // namespace kiln::cli
