// The kernel's file tree: the VFS instance, the working directory, and
// turning user paths (with dirfd) into locations.
#pragma once

#include <stdint.h>

#include "fs/vfs.h"
#include "file/file.h"

namespace kiln {

fs::Vfs& vfs();
fs::Location& cwd();
// The calling process's root after chroot(2), or nullptr (the tree's):
// the `top` of Vfs::resolve for paths the process names.
const fs::Location* process_top();

// Builds "/": tmpfs filled from the payload archive, a default /etc where
// the image has none, /tmp, /dev, /proc. Panics only if memory runs out.
void vfs_init(const uint8_t* archive, size_t size);

// Resolves a user path relative to dirfd (AT_FDCWD or a directory fd).
// `empty_ok`: "" names dirfd itself (AT_EMPTY_PATH). With fs::kParent,
// `last` (256 bytes) gets the final component.
[[nodiscard]] long user_path(int64_t dirfd, uint64_t upath, int flags, fs::Location* out, char* last = nullptr,
               bool empty_ok = false);

// The absolute path of directory `dir` (its names found in each parent,
// as getcwd does), NUL-terminated in buf; its length, -ENOENT if a
// directory on the way was removed, -ENAMETOOLONG.
[[nodiscard]] long location_path(const fs::Location& dir, char* buf, size_t cap);

// An open file for a resolved node (regular files, directories, devices,
// symlinks with O_PATH). Takes over the location's reference; `path` is
// remembered for /proc/self/fd.
[[nodiscard]] long open_node(fs::Location loc, uint32_t flags, const char* path, File** out);
// The location of a file opened by path (with a reference); false otherwise.
bool file_location(File* f, fs::Location* out);

// For AF_UNIX path names: creates a socket node at `path` (relative to the
// working directory), and tells whether something exists at a path.
[[nodiscard]] long vfs_make_socket_node(const char* path);
bool vfs_exists(const char* path);

// Block devices appear as /dev/vd* with this major number (Linux's virtblk).
inline constexpr uint64_t kBlockMajor = 254;
[[nodiscard]] long open_block_device(uint64_t rdev, uint32_t flags, File** out);

// struct stat from a node.
void fill_stat(fs::Node* n, Stat* st);

}  // namespace kiln
