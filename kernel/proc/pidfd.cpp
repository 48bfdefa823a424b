// A pidfd names a process by its pid and turns readable once the process
// has ended. It holds the pid, not the Process (which its parent may reap
// and free); kiln hands out pids in increasing order and does not wrap
// them before 2^31, so a pid names one process for the machine's life.
#include "proc/pidfd.h"

#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/pidfd.h"
#include "file/file.h"
#include "lib/list.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {


class PidFile final : public File {
 public:
  explicit PidFile(int pid) : pid_(pid) { s_all.push_back(this); }
  ~PidFile() override { s_all.remove(this); }

  FileKind kind() const override { return FileKind::PidFd; }
  long read(uint64_t, size_t) override { return -EINVAL; }
  long write(uint64_t, size_t) override { return -EINVAL; }
  long ioctl(uint64_t, uint64_t) override { return -ENOTTY; }
  long stat(LinuxStat* st) override {
    *st = LinuxStat{};
    st->dev = 13;  // anon_inodefs
    st->ino = 1;
    st->nlink = 1;
    st->mode = 0600;
    st->blksize = 4096;
    return 0;
  }
  void describe(char* buf, size_t cap) override {
    static const char kName[] = "anon_inode:[pidfd]";
    size_t n = sizeof kName - 1 < cap ? sizeof kName - 1 : cap - 1;
    for (size_t i = 0; i < n; i++) buf[i] = kName[i];
    buf[n] = 0;
  }
  // Readable once ended; hung up too once reaped (Linux 6.x).
  uint32_t poll_events() override {
    Process* p = process_find(pid_);
    return !p ? kPollIn | kPollHup : p->state == ProcessState::Zombie ? kPollIn : 0;
  }
  bool pollable() const override { return true; }

  int pid() const { return pid_; }

  ListNode node;
  static List<PidFile, &PidFile::node> s_all;

 private:
  int pid_;
};

List<PidFile, &PidFile::node> PidFile::s_all;


}  // namespace

long pidfd_pid(File* f) {
  if (!f || f->kind() != FileKind::PidFd) return -EBADF;
  return static_cast<PidFile*>(f)->pid();
}

void pidfd_process_exited(int pid) {
  for (PidFile* f = PidFile::s_all.front(); f; f = PidFile::s_all.next_of(f))
    if (f->pid() == pid) f->notify_watchers();
}

long sys_pidfd_open(uint64_t upid, uint64_t flags, uint64_t, uint64_t, uint64_t, uint64_t) {
  int pid = int(upid);
  if (flags & ~uint64_t(PIDFD_NONBLOCK) || pid <= 0) return -EINVAL;
  Process* p = process_find(pid);
  if (!p) return -ESRCH;
  auto f = new PidFile(pid);
  if (!f) return -ENOMEM;
  f->status_flags = O_RDWR_BITS | uint32_t(flags);
  // Always close-on-exec, as Linux's.
  int fd = fd_table().install(f, 0, true);
  if (fd < 0) f->put();
  return fd;
}

// flags: which of the process's signals (Linux 6.9): the whole process
// (0, PIDFD_SIGNAL_THREAD_GROUP), its main thread, or its process group.
long sys_pidfd_send_signal(uint64_t pidfd, uint64_t usig, uint64_t info, uint64_t flags,
                           uint64_t, uint64_t) {
  int sig = int(usig);
  if (flags & ~uint64_t(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP |
                        PIDFD_SIGNAL_PROCESS_GROUP) ||
      (flags & (flags - 1)))
    return -EINVAL;
  FileRef f = fd_table().get(int64_t(pidfd));
  if (!f) return -EBADF;
  long pid = pidfd_pid(f.file());
  if (pid < 0) return -EBADF;
  if (sig < 0 || sig > 64) return -EINVAL;
  // FIXME: a caller's siginfo (rt_sigqueueinfo's rules); kill's is sent.
  if (info) return -EINVAL;
  Process* p = process_find(int(pid));
  if (!p) return -ESRCH;  // reaped; a zombie still takes (and drops) signals
  if (flags == PIDFD_SIGNAL_PROCESS_GROUP) return sys_kill(uint64_t(-p->pgid), usig, 0, 0, 0, 0);
  if (!sig || p->state != ProcessState::Running) return 0;
  if (flags == PIDFD_SIGNAL_THREAD) {
    Thread* t = thread_find(int(pid));
    if (!t) return -ESRCH;
    send_signal(t, sig, SI_TKILL, process().pid, 0);
  } else if (Thread* t = signal_target(p, sig)) {
    send_signal(t, sig, SI_USER, process().pid, 0);
  }
  return 0;
}

}  // namespace kiln
