#include "posix/file.h"

#include "posix/errno.h"

namespace kiln {
namespace {

FdTable g_fds;

}  // namespace

FdTable& fd_table() { return g_fds; }

void release_file(File* f) {
  if (f && --f->refs == 0) delete f;
}

int FdTable::install(File* f, int min, bool close_on_exec) {
  for (int fd = min < 0 ? 0 : min; fd < kMax; fd++) {
    if (!files[fd]) {
      files[fd] = f;
      cloexec[fd] = close_on_exec;
      return fd;
    }
  }
  return -EMFILE;
}

long FdTable::close(int64_t fd) {
  File* f = get(fd);
  if (!f) return -EBADF;
  files[fd] = nullptr;
  cloexec[fd] = false;
  release_file(f);
  return 0;
}

}  // namespace kiln
