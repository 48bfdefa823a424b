// A pidfd names a process by its pid and turns readable once the process
// has ended. It holds the pid, not the Process (which its parent may reap
// and free); kiln hands out pids in increasing order and does not wrap
// them before 2^31, so a pid names one process for the machine's life.
#include "proc/pidfd.h"

#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/poll.h"
#include "abi/linux/stat.h"
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
  long read(uint64_t, size_t) override { return -kEINVAL; }
  long write(uint64_t, size_t) override { return -kEINVAL; }
  long ioctl(uint64_t, uint64_t) override { return -kENOTTY; }
  long stat(Stat* st) override { return anon_inode_stat(st); }
  void describe(char* buf, size_t cap) override {
    static const char kName[] = "anon_inode:[pidfd]";
    size_t n = sizeof kName - 1 < cap ? sizeof kName - 1 : cap - 1;
    for (size_t i = 0; i < n; i++) buf[i] = kName[i];
    buf[n] = 0;
  }
  // Readable once ended; hung up too once reaped (Linux 6.x).
  uint32_t poll_events() override {
    Process* p = process_find(pid_);
    return !p ? kPOLLIN | kPOLLHUP : p->state == ProcessState::Zombie ? kPOLLIN : 0;
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
  if (!f || f->kind() != FileKind::PidFd) return -kEBADF;
  return static_cast<PidFile*>(f)->pid();
}

void pidfd_process_exited(int pid) {
  for (PidFile* f = PidFile::s_all.front(); f; f = PidFile::s_all.next_of(f))
    if (f->pid() == pid) f->notify_watchers();
}

long sys_pidfd_open(uint64_t upid, uint64_t flags, uint64_t, uint64_t, uint64_t, uint64_t) {
  int pid = int(upid);
  if (flags & ~uint64_t(kPIDFD_NONBLOCK) || pid <= 0) return -kEINVAL;
  Process* p = process_find(pid);
  if (!p) return -kESRCH;
  auto f = new PidFile(pid);
  if (!f) return -kENOMEM;
  f->status_flags = kO_RDWR | uint32_t(flags);
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
  if (flags & ~uint64_t(kPIDFD_SIGNAL_THREAD | kPIDFD_SIGNAL_THREAD_GROUP |
                        kPIDFD_SIGNAL_PROCESS_GROUP) ||
      (flags & (flags - 1)))
    return -kEINVAL;
  FileRef f = fd_table().get(int64_t(pidfd));
  if (!f) return -kEBADF;
  long pid = pidfd_pid(f.file());
  if (pid < 0) return -kEBADF;
  if (sig < 0 || sig > 64) return -kEINVAL;
  // FIXME: a caller's siginfo (rt_sigqueueinfo's rules); kill's is sent.
  if (info) return -kEINVAL;
  Process* p = process_find(int(pid));
  if (!p) return -kESRCH;  // reaped; a zombie still takes (and drops) signals
  if (flags == kPIDFD_SIGNAL_PROCESS_GROUP) return sys_kill(uint64_t(-p->pgid), usig, 0, 0, 0, 0);
  if (!sig || p->state != ProcessState::Running) return 0;
  if (flags == kPIDFD_SIGNAL_THREAD) {
    Thread* t = thread_find(int(pid));
    if (!t) return -kESRCH;
    send_signal(t, sig, kSI_TKILL, process().pid, 0);
  } else if (Thread* t = signal_target(p, sig)) {
    send_signal(t, sig, kSI_USER, process().pid, 0);
  }
  return 0;
}

}  // namespace kiln
