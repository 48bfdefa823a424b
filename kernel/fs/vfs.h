// The mount table and path resolution: symlinks (at most 40 per lookup),
// "." and "..", and mount crossings in both directions. Portable.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "fs/node.h"

namespace kiln::fs {

struct Mount {
  FileSystem* fs = nullptr;
  Node* root = nullptr;        // the file system's root (a reference)
  Mount* parent = nullptr;     // nullptr for "/"
  Node* mountpoint = nullptr;  // the directory it covers, in parent (a reference)
  char path[256] = {};         // where it is mounted, for /proc/mounts
  char source[64] = {};        // "/dev/vda", "tmpfs", ...
  ListNode node;
};

// A place in the tree: a node, and the mount it was reached through. The
// holder owns one reference to `node`.
struct Location {
  Mount* mnt = nullptr;
  Node* node = nullptr;
};

// Resolution flags.
inline constexpr int kFollow = 1;     // follow a symlink in the last component
inline constexpr int kParent = 2;     // stop at the parent of the last component
inline constexpr int kMustDir = 4;    // the result must be a directory

class Vfs {
 public:
  [[nodiscard]] long mount_root(FileSystem* fs, const char* source);
  // Mounts `fs` on the directory `at` (which stays referenced by the mount).
  [[nodiscard]] long mount(const Location& at, FileSystem* fs, const char* source, const char* path);
  // Takes `m` out of the tree, putting its root and mount point; the file
  // system itself is the caller's to unmount. -EBUSY while another mount
  // sits on it; the root mount never goes (-EINVAL).
  [[nodiscard]] long unmount(Mount* m);
  Location root();  // with a reference

  // Resolves `path` from `base` (used for relative paths). With kParent,
  // *out is the parent directory and `last` (256 bytes) receives the final
  // component, NUL-terminated, which need not exist ("." for "/" or a path
  // ending in a slash). With kParent, a last name written with a trailing
  // slash that exists must be a directory (-ENOTDIR), and kParent | kFollow
  // follows a symlink in the last component to the parent of what it names.
  // Returns 0 or -errno.
  // `top` (nullptr: the root of the tree) is where absolute paths and
  // symlinks start and ".." stops: a chroot(2)ed process's root.
  [[nodiscard]] long resolve(const Location& base, const char* path, int flags, Location* out,
               char* last = nullptr, const Location* top = nullptr);
  // Looks up one name in a directory, crossing mounts and handling ".."
  // (which leaves `top`, when given, where it is).
  [[nodiscard]] long step(const Location& dir, const char* name, size_t len, Location* out,
                          const Location* top = nullptr);

  // Mounts, parents before children (for /proc/mounts, sync and unmount).
  Mount* first_mount() const { return mounts_.front(); }
  Mount* next_mount(Mount* m) const { return mounts_.next_of(m); }
  // Syncs every file system, children first; returns the first error.
  [[nodiscard]] long sync_all();

 private:
  [[nodiscard]] long walk(Location cur, const char* path, int flags, Location* out, char* last,
                          const Location* top);
  Location start_of(const Location* top);  // where an absolute path begins
  Mount* covering(Mount* parent, Node* node);

  List<Mount, &Mount::node> mounts_;
};

void location_put(Location& l);
Location location_dup(const Location& l);
uint64_t node_ino(Node* n);
uint32_t node_mode(Node* n);

}  // namespace kiln::fs
