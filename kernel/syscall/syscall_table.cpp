#include "syscall/syscall_table.h"

#include "abi/linux/unistd.h"
#include "mm/vm.h"
#include "proc/sys_process.h"
#include "proc/syscalls.h"

namespace kiln {
namespace {

// Adapters: the memory calls keep their typed signatures in vm.h.
long munmap6(uint64_t a, uint64_t b, uint64_t, uint64_t, uint64_t, uint64_t) {
  return sys_munmap(a, b);
}
long mprotect6(uint64_t a, uint64_t b, uint64_t c, uint64_t, uint64_t, uint64_t) {
  return sys_mprotect(a, b, c);
}
long mremap6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t) {
  return sys_mremap(a, b, c, d, e);
}
long brk6(uint64_t a, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return sys_brk(a); }
long madvise6(uint64_t a, uint64_t b, uint64_t c, uint64_t, uint64_t, uint64_t) {
  return sys_madvise(a, b, c);
}
long msync6(uint64_t a, uint64_t b, uint64_t c, uint64_t, uint64_t, uint64_t) {
  return sys_msync(a, b, c);
}

struct Entry {
  uint16_t nr;
  SyscallHandler fn;
};

constexpr Entry kEntries[] = {
    {kNR_read, sys_read}, {kNR_write, sys_write}, {kNR_open, sys_open}, {kNR_close, sys_close},
    {kNR_stat, sys_stat}, {kNR_fstat, sys_fstat}, {kNR_lstat, sys_lstat}, {kNR_poll, sys_poll},
    {kNR_lseek, sys_lseek}, {kNR_mmap, sys_mmap}, {kNR_mprotect, mprotect6}, {kNR_munmap, munmap6},
    {kNR_brk, brk6}, {kNR_rt_sigaction, sys_rt_sigaction}, {kNR_rt_sigprocmask, sys_rt_sigprocmask},
    {kNR_rt_sigreturn, sys_rt_sigreturn}, {kNR_ioctl, sys_ioctl}, {kNR_pread64, sys_pread64},
    {kNR_pwrite64, sys_pwrite64}, {kNR_readv, sys_readv}, {kNR_writev, sys_writev},
    {kNR_access, sys_access}, {kNR_pipe, sys_pipe}, {kNR_select, sys_select},
    {kNR_sched_yield, sys_sched_yield}, {kNR_mremap, mremap6}, {kNR_msync, msync6},
    {kNR_madvise, madvise6}, {kNR_dup, sys_dup}, {kNR_dup2, sys_dup2}, {kNR_pause, sys_pause},
    {kNR_nanosleep, sys_nanosleep}, {kNR_getitimer, sys_getitimer}, {kNR_alarm, sys_alarm},
    {kNR_setitimer, sys_setitimer}, {kNR_getpid, sys_getpid}, {kNR_sendfile, sys_sendfile},
    {kNR_socket, sys_socket}, {kNR_connect, sys_connect}, {kNR_accept, sys_accept},
    {kNR_sendto, sys_sendto}, {kNR_recvfrom, sys_recvfrom}, {kNR_sendmsg, sys_sendmsg},
    {kNR_recvmsg, sys_recvmsg}, {kNR_shutdown, sys_shutdown}, {kNR_bind, sys_bind},
    {kNR_listen, sys_listen}, {kNR_getsockname, sys_getsockname},
    {kNR_getpeername, sys_getpeername}, {kNR_socketpair, sys_socketpair},
    {kNR_setsockopt, sys_setsockopt}, {kNR_getsockopt, sys_getsockopt}, {kNR_clone, sys_clone},
    {kNR_fork, sys_fork}, {kNR_vfork, sys_vfork}, {kNR_execve, sys_execve}, {kNR_exit, sys_exit},
    {kNR_wait4, sys_wait4}, {kNR_kill, sys_kill}, {kNR_uname, sys_uname},
    {kNR_execveat, sys_execveat}, {kNR_fcntl, sys_fcntl}, {kNR_flock, sys_flock},
    {kNR_fsync, sys_fsync}, {kNR_fdatasync, sys_fdatasync}, {kNR_truncate, sys_truncate},
    {kNR_ftruncate, sys_ftruncate}, {kNR_getcwd, sys_getcwd}, {kNR_chdir, sys_chdir},
    {kNR_fchdir, sys_fchdir}, {kNR_rename, sys_rename}, {kNR_mkdir, sys_mkdir},
    {kNR_rmdir, sys_rmdir}, {kNR_creat, sys_creat}, {kNR_link, sys_link}, {kNR_unlink, sys_unlink},
    {kNR_symlink, sys_symlink}, {kNR_readlink, sys_readlink}, {kNR_chmod, sys_chmod},
    {kNR_fchmod, sys_fchmod}, {kNR_chown, sys_chown}, {kNR_fchown, sys_fchown},
    {kNR_lchown, sys_lchown}, {kNR_umask, sys_umask}, {kNR_gettimeofday, sys_gettimeofday},
    {kNR_getrlimit, sys_getrlimit}, {kNR_getrusage, sys_getrusage}, {kNR_sysinfo, sys_sysinfo},
    {kNR_times, sys_times}, {kNR_getuid, sys_getuid}, {kNR_getgid, sys_getgid},
    {kNR_setuid, sys_setuid}, {kNR_setgid, sys_setgid}, {kNR_geteuid, sys_geteuid},
    {kNR_getegid, sys_getegid}, {kNR_getppid, sys_getppid}, {kNR_setreuid, sys_setreuid},
    {kNR_setregid, sys_setregid}, {kNR_getgroups, sys_getgroups}, {kNR_setgroups, sys_setgroups},
    {kNR_setresuid, sys_setresuid}, {kNR_getresuid, sys_getresuid}, {kNR_setresgid, sys_setresgid},
    {kNR_getresgid, sys_getresgid}, {kNR_setfsuid, sys_setfsuid}, {kNR_setfsgid, sys_setfsgid},
    {kNR_getpgrp, sys_getpgrp}, {kNR_getpgid, sys_getpgid}, {kNR_getsid, sys_getsid},
    {kNR_mknod, sys_mknod}, {kNR_statfs, sys_statfs}, {kNR_fstatfs, sys_fstatfs},
    {kNR_rt_sigpending, sys_rt_sigpending}, {kNR_rt_sigsuspend, sys_rt_sigsuspend},
    {kNR_sigaltstack, sys_sigaltstack}, {kNR_prctl, sys_prctl}, {kNR_arch_prctl, sys_arch_prctl},
    {kNR_setrlimit, sys_setrlimit}, {kNR_sync, sys_sync}, {kNR_sethostname, sys_sethostname},
    {kNR_gettid, sys_gettid}, {kNR_tkill, sys_tkill}, {kNR_time, sys_time}, {kNR_futex, sys_futex},
    {kNR_sched_setaffinity, sys_sched_setaffinity}, {kNR_sched_getaffinity, sys_sched_getaffinity},
    {kNR_set_tid_address, sys_set_tid_address}, {kNR_clock_gettime, sys_clock_gettime},
    {kNR_clock_getres, sys_clock_getres}, {kNR_clock_nanosleep, sys_clock_nanosleep},
    {kNR_exit_group, sys_exit_group}, {kNR_tgkill, sys_tgkill}, {kNR_openat, sys_openat},
    {kNR_mkdirat, sys_mkdirat}, {kNR_mknodat, sys_mknodat}, {kNR_fchownat, sys_fchownat},
    {kNR_newfstatat, sys_newfstatat}, {kNR_unlinkat, sys_unlinkat}, {kNR_renameat, sys_renameat},
    {kNR_linkat, sys_linkat}, {kNR_symlinkat, sys_symlinkat}, {kNR_fchmodat, sys_fchmodat},
    {kNR_utimensat, sys_utimensat}, {kNR_fallocate, sys_fallocate}, {kNR_preadv, sys_preadv},
    {kNR_pwritev, sys_pwritev}, {kNR_syncfs, sys_syncfs}, {kNR_renameat2, sys_renameat2},
    {kNR_copy_file_range, sys_copy_file_range}, {kNR_preadv2, sys_preadv2},
    {kNR_pwritev2, sys_pwritev2}, {kNR_close_range, sys_close_range},
    {kNR_readlinkat, sys_readlinkat}, {kNR_faccessat, sys_faccessat},
    {kNR_set_robust_list, sys_set_robust_list}, {kNR_get_robust_list, sys_get_robust_list},
    {kNR_accept4, sys_accept4}, {kNR_dup3, sys_dup3}, {kNR_recvmmsg, sys_recvmmsg},
    {kNR_sendmmsg, sys_sendmmsg}, {kNR_prlimit64, sys_prlimit64}, {kNR_getcpu, sys_getcpu},
    {kNR_getrandom, sys_getrandom}, {kNR_epoll_create, sys_epoll_create},
    {kNR_getdents64, sys_getdents64}, {kNR_epoll_wait, sys_epoll_wait},
    {kNR_epoll_ctl, sys_epoll_ctl}, {kNR_pselect6, sys_pselect6}, {kNR_ppoll, sys_ppoll},
    {kNR_epoll_pwait, sys_epoll_pwait}, {kNR_eventfd, sys_eventfd}, {kNR_eventfd2, sys_eventfd2},
    {kNR_epoll_create1, sys_epoll_create1}, {kNR_pipe2, sys_pipe2},
    {kNR_epoll_pwait2, sys_epoll_pwait2}, {kNR_statx, sys_statx}, {kNR_rseq, sys_rseq},
    {kNR_clone3, sys_clone3}, {kNR_faccessat2, sys_faccessat2},
    {kNR_waitid, sys_waitid}, {kNR_setpgid, sys_setpgid}, {kNR_setsid, sys_setsid},
    {kNR_getpriority, sys_getpriority}, {kNR_setpriority, sys_setpriority},
    {kNR_sched_setparam, sys_sched_setparam}, {kNR_sched_getparam, sys_sched_getparam},
    {kNR_sched_setscheduler, sys_sched_setscheduler},
    {kNR_sched_getscheduler, sys_sched_getscheduler},
    {kNR_sched_get_priority_max, sys_sched_get_priority_max},
    {kNR_sched_get_priority_min, sys_sched_get_priority_min},
    {kNR_sched_rr_get_interval, sys_sched_rr_get_interval}, {kNR_setxattr, sys_setxattr},
    {kNR_lsetxattr, sys_lsetxattr}, {kNR_fsetxattr, sys_fsetxattr}, {kNR_getxattr, sys_getxattr},
    {kNR_lgetxattr, sys_lgetxattr}, {kNR_fgetxattr, sys_fgetxattr},
    {kNR_listxattr, sys_listxattr}, {kNR_llistxattr, sys_llistxattr},
    {kNR_flistxattr, sys_flistxattr}, {kNR_removexattr, sys_removexattr},
    {kNR_lremovexattr, sys_lremovexattr}, {kNR_fremovexattr, sys_fremovexattr},
    {kNR_fadvise64, sys_fadvise64}, {kNR_memfd_create, sys_memfd_create},
    {kNR_pidfd_send_signal, sys_pidfd_send_signal}, {kNR_pidfd_open, sys_pidfd_open},
    {kNR_splice, sys_splice}, {kNR_tee, sys_tee}, {kNR_vmsplice, sys_vmsplice},
    {kNR_chroot, sys_chroot},
};

struct Table {
  SyscallHandler fn[kNR_syscalls] = {};
  constexpr Table() {
    for (const Entry& e : kEntries) fn[e.nr] = e.fn;
  }
};
constexpr Table kTable;

}  // namespace

const SyscallHandler* syscall_table() { return kTable.fn; }
size_t syscall_table_size() { return sizeof kTable.fn / sizeof *kTable.fn; }

}  // namespace kiln
