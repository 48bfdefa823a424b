#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace kiln::cli {

std::string signal_name(int sig) {
  const char* name = sigabbrev_np(sig);
  return name ? std::string("SIG") + name : "signal " + std::to_string(sig);
}

std::string ExitInfo::describe() const {
  if (!signaled) return "exited with status " + std::to_string(code);
  return "killed by " + signal_name(code);
}

pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  // The child reports a failed exec through a close-on-exec pipe: EOF means
  // the exec worked.
  pid_t parent = ::getpid();
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw Failure("cannot run " + argv[0] + ": " + errno_string(errno));
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw Failure("cannot run " + argv[0] + ": " + errno_string(err));
  }
  if (pid == 0) {
    ::close(report[0]);
    auto die = [&](int err) {
      ssize_t ignored = ::write(report[1], &err, sizeof err);
      (void)ignored;
      ::_exit(127);
    };
    sigset_t mask;
    sigemptyset(&mask);
    if (options.block_stop_signals)
      for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&mask, sig);
    ::sigprocmask(SIG_SETMASK, &mask, nullptr);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    // A parent already gone before the prctl would leave us orphaned.
    if (options.die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent))
      die(ESRCH);
    if (options.umask) ::umask(*options.umask);
    if (options.new_session && ::setsid() < 0) die(errno);
    if (options.stdin_path) {
      int fd = ::open(options.stdin_path->c_str(), O_RDONLY);
      if (fd < 0 || ::dup2(fd, 0) < 0) die(errno);
      ::close(fd);
    }
    if (options.output_path) {
      int fd = ::open(options.output_path->c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) die(errno);
      ::close(fd);
    }
    ::execvp(cargv[0], cargv.data());
    die(errno);
  }
  ::close(report[1]);
  int err = 0;
  ssize_t n;
  do n = ::read(report[0], &err, sizeof err);
  while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == sizeof err) {
    ::waitpid(pid, nullptr, 0);
    throw Failure("cannot run " + argv[0] + ": " + errno_string(err));
  }
  return pid;
}

int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

std::optional<ExitInfo> wait_child(pid_t pid, int timeout_ms) {
  int64_t start = monotonic_ms();
  // A pidfd wakes the wait the moment the child exits (a launcher waiting
  // in short slices adds nothing to a guest's run); without one (a kernel
  // before 5.3), naps of 2 ms.
  int pidfd = timeout_ms < 0 ? -1 : int(::syscall(SYS_pidfd_open, pid, 0));
  std::optional<ExitInfo> result;
  for (;;) {
    int wstatus = 0;
    pid_t got = ::waitpid(pid, &wstatus, timeout_ms < 0 ? 0 : WNOHANG);
    if (got == pid) {
      result = ExitInfo{WIFSIGNALED(wstatus), WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus)};
      break;
    }
    if (got < 0 && errno != EINTR) {
      result = ExitInfo{false, -1};
      break;
    }
    if (timeout_ms < 0) continue;
    int64_t left = timeout_ms - (monotonic_ms() - start);
    if (left <= 0) break;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, int(left));
    } else {
      timespec nap{0, 2 * 1000 * 1000};  // 2 ms: fast enough for a 30 ms boot
      ::nanosleep(&nap, nullptr);
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return result;
}

bool process_alive(pid_t pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) return false;
  // A zombie still answers kill(0); its state in /proc/PID/stat is 'Z'.
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return !stat.empty();
  return stat[paren + 2] != 'Z' && stat[paren + 2] != 'X';
}

std::string process_cmdline(pid_t pid) { return read_text("/proc/" + std::to_string(pid) + "/cmdline"); }

}  // namespace kiln::cli
