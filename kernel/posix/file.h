// Open file descriptions and the descriptor table. A File is shared by
// every descriptor dup'ed from it (offset, status flags), as on Linux.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln {

struct LinuxStat;

class File {
 public:
  virtual ~File() = default;
  // Byte counts or -errno. Buffers are user addresses.
  virtual long read(uint64_t buf, size_t n) = 0;
  virtual long write(uint64_t buf, size_t n) = 0;
  virtual long stat(LinuxStat* st) = 0;
  virtual long ioctl(uint64_t cmd, uint64_t arg) = 0;
  virtual long seek(int64_t, int) { return -29; }  // ESPIPE

  int refs = 1;
  uint32_t status_flags = 0;  // O_APPEND, O_NONBLOCK, access mode
};

struct FdTable {
  static constexpr int kMax = 1024;  // RLIMIT_NOFILE
  File* files[kMax] = {};
  bool cloexec[kMax] = {};

  File* get(int64_t fd) const { return fd >= 0 && fd < kMax ? files[fd] : nullptr; }
  // Lowest free descriptor >= min, or -EMFILE.
  int install(File* f, int min = 0, bool close_on_exec = false);
  long close(int64_t fd);
};

FdTable& fd_table();
void release_file(File* f);

// struct stat as the x86_64 Linux ABI lays it out.
struct LinuxStat {
  uint64_t dev, ino, nlink;
  uint32_t mode, uid, gid, pad0;
  uint64_t rdev;
  int64_t size, blksize, blocks;
  int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
  int64_t reserved[3];
};
static_assert(sizeof(LinuxStat) == 144);

// The serial console: fds 0, 1 and 2 at start.
File* make_console_file();

}  // namespace kiln
