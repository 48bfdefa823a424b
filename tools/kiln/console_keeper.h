// The keeper of a background guest's console: a small process, forked by
// `kiln run` and living as long as its QEMU, that reads the console from a
// FIFO (QEMU's "pipe" chardev), notes when each read arrived and stores
// both in the run directory with a size cap (console_log.h). Holding the
// run directory's flock while it lives is how `kiln logs -f` knows the
// console is complete.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "util.h"

namespace kiln::cli {

// The FIFOs QEMU's `-chardev pipe,path=RUNDIR/console.log` opens: it
// writes the guest's console into console.log.out and reads its input from
// console.log.in (which nobody writes: a background guest has no input).
void make_console_fifos(const fs::path& dir);

// The keeper's ends, opened before QEMU starts so that nothing it writes
// is lost; closed by the launcher once the keeper has them.
struct ConsoleKeeperFds {
  int fifo = -1;     // console.log.out, read and write, non-blocking
  int dir = -1;      // the run directory, flock()ed: held by the keeper
  void close();
};
ConsoleKeeperFds open_console_keeper_fds(const fs::path& dir);

// Forks the keeper for QEMU's pid; returns at once in the launcher.
void start_console_keeper(ConsoleKeeperFds fds, pid_t qemu, uint64_t max_bytes);

// True when no keeper holds the run directory DIR_FD (it has stored all).
bool console_keeper_gone(int dir_fd);

}  // namespace kiln::cli
