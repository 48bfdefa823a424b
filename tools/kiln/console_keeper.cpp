#include "console_keeper.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "console_log.h"
#include "errors.h"
#include "process.h"

namespace kiln::cli {

namespace {

int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Everything but stdio (made /dev/null) and the keeper's own: a pipe the
// launcher's caller waits on (a test capturing kiln's output, a shell's
// $(...)) must not stay open until the guest ends.
void close_other_fds(const std::vector<int>& keep) {
  int null = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; fd++) ::dup2(null, fd);
  if (null > 2) ::close(null);
  std::vector<int> open_fds;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(d)) {
      int fd = std::atoi(e->d_name);
      if (e->d_name[0] != '.' && fd > 2 && fd != ::dirfd(d)) open_fds.push_back(fd);
    }
    ::closedir(d);
  }
  for (int fd : open_fds)
    if (std::find(keep.begin(), keep.end(), fd) == keep.end()) ::close(fd);
}

[[noreturn]] void keep(int fifo, int dir, int pidfd, pid_t qemu, uint64_t max_bytes) {
  ConsoleLogWriter log(dir, max_bytes);
  static char buf[65536];
  auto drain = [&] {
    for (;;) {
      ssize_t n = ::read(fifo, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // EAGAIN: all read (never EOF: the FIFO is open for writing here too)
      log.append({buf, static_cast<size_t>(n)}, realtime_ns());
    }
  };
  for (;;) {
    pollfd p[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};
    // Without pidfds (Linux before 5.3), QEMU's end is looked for 5 times a second.
    int r = ::poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 200);
    if (r < 0 && errno == EINTR) continue;
    drain();
    if (pidfd >= 0 ? p[1].revents != 0 : !process_alive(qemu)) {
      drain();  // QEMU has written all it will
      ::_exit(0);
    }
  }
}

}  // namespace

void make_console_fifos(const fs::path& dir) {
  for (const char* name : {"console.log.in", "console.log.out"})
    if (::mkfifo((dir / name).c_str(), 0600) != 0)
      throw Failure("run: cannot make " + (dir / name).string() + ": " + errno_string(errno));
}

void ConsoleKeeperFds::close() {
  if (fifo >= 0) ::close(fifo);
  if (dir >= 0) ::close(dir);
  fifo = dir = -1;
}

ConsoleKeeperFds open_console_keeper_fds(const fs::path& dir) {
  ConsoleKeeperFds fds;
  // Read and write: opening does not wait for QEMU, and a read finds no
  // EOF before QEMU has even opened its end.
  fds.fifo = ::open((dir / "console.log.out").c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  fds.dir = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fds.fifo < 0 || fds.dir < 0 || ::flock(fds.dir, LOCK_EX) != 0) {
    int err = errno;
    fds.close();
    throw Failure("run: cannot set up the console in " + dir.string() + ": " + errno_string(err));
  }
  // There from the start, for a `kiln logs` as soon as `kiln run` returns.
  for (const char* name : {"console.times", "console.log"}) {
    int fd = ::openat(fds.dir, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  return fds;
}

void start_console_keeper(ConsoleKeeperFds fds, pid_t qemu, uint64_t max_bytes) {
  // Opened while QEMU is our unreaped child, so its pid cannot be another's.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, qemu, 0));
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    if (pidfd >= 0) ::close(pidfd);
    fds.close();
    throw Failure("run: cannot start the console keeper: " + errno_string(err));
  }
  if (pid == 0) {
    ::setsid();
    // It ends with its QEMU, whatever signals the launcher's caller sends
    // around: QEMU would stall on a full console without it.
    for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE}) ::signal(sig, SIG_IGN);
    ::prctl(PR_SET_NAME, "kiln-console");
    close_other_fds({fds.fifo, fds.dir, pidfd});
    keep(fds.fifo, fds.dir, pidfd, qemu, max_bytes);
  }
  if (pidfd >= 0) ::close(pidfd);
  fds.close();
}

bool console_keeper_gone(int dir_fd) {
  if (::flock(dir_fd, LOCK_SH | LOCK_NB) != 0) return false;
  ::flock(dir_fd, LOCK_UN);
  return true;
}

}  // namespace kiln::cli
