// Advisory file locks, shared by every process: POSIX record locks
// (fcntl F_SETLK/F_SETLKW/F_GETLK, owned by the process: released when it
// closes any descriptor of the file, or exits), open-file-description
// locks (F_OFD_*, owned by the description) and flock (whole-file, owned by
// the description, so shared across fork and dup).
#pragma once

#include <stdint.h>

namespace kiln {

class File;
struct FdTable;

// fcntl's lock commands on `f`, a descriptor of `owner`; `arg` is the
// user's struct flock.
[[nodiscard]] long fcntl_lock(File* f, FdTable* owner, int cmd, uint64_t arg);
// flock(2).
[[nodiscard]] long flock_file(File* f, uint64_t op);
// A descriptor of `f` in `owner` was closed: its POSIX locks on the file go.
void locks_fd_closed(FdTable* owner, File* f);
// The description `f` is going away: its flock and OFD locks go.
void locks_file_released(File* f);

}  // namespace kiln
