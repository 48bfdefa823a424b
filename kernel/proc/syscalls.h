// Every system call handler, declared where the layers that define them
// (proc, file, socket, syscall) all see it; syscall/syscall_table.cpp maps
// numbers to them.
#pragma once

#include "proc/syscall.h"

namespace kiln {

// Handlers, by family (each defined in <area>/sys_<family>.cpp).
#define KILN_SYSCALL(name) long sys_##name(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t)
KILN_SYSCALL(mmap); KILN_SYSCALL(read); KILN_SYSCALL(write); KILN_SYSCALL(readv); KILN_SYSCALL(writev);
KILN_SYSCALL(pread64); KILN_SYSCALL(pwrite64); KILN_SYSCALL(close); KILN_SYSCALL(fstat);
KILN_SYSCALL(newfstatat); KILN_SYSCALL(ioctl); KILN_SYSCALL(lseek); KILN_SYSCALL(fcntl);
KILN_SYSCALL(dup); KILN_SYSCALL(dup2); KILN_SYSCALL(dup3); KILN_SYSCALL(readlink);
KILN_SYSCALL(readlinkat); KILN_SYSCALL(open); KILN_SYSCALL(openat); KILN_SYSCALL(access);
KILN_SYSCALL(faccessat); KILN_SYSCALL(faccessat2); KILN_SYSCALL(stat); KILN_SYSCALL(lstat);
KILN_SYSCALL(getcwd); KILN_SYSCALL(statx); KILN_SYSCALL(unlink); KILN_SYSCALL(unlinkat);
KILN_SYSCALL(clone); KILN_SYSCALL(clone3); KILN_SYSCALL(exit); KILN_SYSCALL(exit_group);
KILN_SYSCALL(set_tid_address); KILN_SYSCALL(set_robust_list); KILN_SYSCALL(get_robust_list);
KILN_SYSCALL(gettid); KILN_SYSCALL(arch_prctl); KILN_SYSCALL(sched_yield);
KILN_SYSCALL(sched_getaffinity); KILN_SYSCALL(sched_setaffinity); KILN_SYSCALL(futex);
KILN_SYSCALL(rseq); KILN_SYSCALL(getcpu);
KILN_SYSCALL(clock_gettime); KILN_SYSCALL(clock_getres); KILN_SYSCALL(gettimeofday);
KILN_SYSCALL(time); KILN_SYSCALL(nanosleep); KILN_SYSCALL(clock_nanosleep); KILN_SYSCALL(times);
KILN_SYSCALL(rt_sigaction); KILN_SYSCALL(rt_sigprocmask); KILN_SYSCALL(sigaltstack);
KILN_SYSCALL(kill); KILN_SYSCALL(rt_sigpending); KILN_SYSCALL(rt_sigsuspend); KILN_SYSCALL(pause);
KILN_SYSCALL(tkill); KILN_SYSCALL(tgkill); KILN_SYSCALL(rt_sigreturn);
KILN_SYSCALL(uname); KILN_SYSCALL(sysinfo); KILN_SYSCALL(prlimit64); KILN_SYSCALL(getrlimit);
KILN_SYSCALL(setrlimit); KILN_SYSCALL(getpid); KILN_SYSCALL(getuid);
KILN_SYSCALL(geteuid); KILN_SYSCALL(getgid); KILN_SYSCALL(getegid); KILN_SYSCALL(getrandom);
KILN_SYSCALL(umask); KILN_SYSCALL(prctl); KILN_SYSCALL(getrusage); KILN_SYSCALL(getpgrp);
KILN_SYSCALL(getpgid); KILN_SYSCALL(getsid); KILN_SYSCALL(sethostname);
KILN_SYSCALL(poll); KILN_SYSCALL(ppoll); KILN_SYSCALL(select); KILN_SYSCALL(pselect6);
KILN_SYSCALL(pipe); KILN_SYSCALL(pipe2); KILN_SYSCALL(eventfd); KILN_SYSCALL(eventfd2);
KILN_SYSCALL(epoll_create); KILN_SYSCALL(epoll_create1); KILN_SYSCALL(epoll_ctl);
KILN_SYSCALL(epoll_wait); KILN_SYSCALL(epoll_pwait); KILN_SYSCALL(epoll_pwait2);
KILN_SYSCALL(socket); KILN_SYSCALL(socketpair); KILN_SYSCALL(bind); KILN_SYSCALL(listen);
KILN_SYSCALL(accept); KILN_SYSCALL(accept4); KILN_SYSCALL(connect); KILN_SYSCALL(sendto);
KILN_SYSCALL(recvfrom); KILN_SYSCALL(sendmsg); KILN_SYSCALL(recvmsg); KILN_SYSCALL(sendmmsg);
KILN_SYSCALL(recvmmsg); KILN_SYSCALL(shutdown); KILN_SYSCALL(getsockname);
KILN_SYSCALL(getpeername); KILN_SYSCALL(setsockopt); KILN_SYSCALL(getsockopt);
KILN_SYSCALL(creat); KILN_SYSCALL(mkdir); KILN_SYSCALL(mkdirat); KILN_SYSCALL(mknod);
KILN_SYSCALL(mknodat); KILN_SYSCALL(rmdir); KILN_SYSCALL(rename); KILN_SYSCALL(renameat);
KILN_SYSCALL(renameat2); KILN_SYSCALL(link); KILN_SYSCALL(linkat); KILN_SYSCALL(symlink);
KILN_SYSCALL(symlinkat); KILN_SYSCALL(chdir); KILN_SYSCALL(fchdir); KILN_SYSCALL(truncate);
KILN_SYSCALL(ftruncate); KILN_SYSCALL(chmod); KILN_SYSCALL(fchmod); KILN_SYSCALL(fchmodat);
KILN_SYSCALL(chown); KILN_SYSCALL(fchown); KILN_SYSCALL(lchown); KILN_SYSCALL(fchownat);
KILN_SYSCALL(utimensat); KILN_SYSCALL(statfs); KILN_SYSCALL(fstatfs); KILN_SYSCALL(sync);
KILN_SYSCALL(syncfs); KILN_SYSCALL(fsync); KILN_SYSCALL(fdatasync); KILN_SYSCALL(getdents64);
KILN_SYSCALL(fallocate); KILN_SYSCALL(sendfile); KILN_SYSCALL(copy_file_range);
KILN_SYSCALL(preadv); KILN_SYSCALL(pwritev); KILN_SYSCALL(preadv2); KILN_SYSCALL(pwritev2);
KILN_SYSCALL(close_range); KILN_SYSCALL(flock);
KILN_SYSCALL(setuid); KILN_SYSCALL(setgid); KILN_SYSCALL(setreuid); KILN_SYSCALL(setregid);
KILN_SYSCALL(setresuid); KILN_SYSCALL(setresgid); KILN_SYSCALL(getresuid); KILN_SYSCALL(getresgid);
KILN_SYSCALL(setfsuid); KILN_SYSCALL(setfsgid); KILN_SYSCALL(getgroups); KILN_SYSCALL(setgroups);
KILN_SYSCALL(setitimer); KILN_SYSCALL(getitimer); KILN_SYSCALL(alarm);
KILN_SYSCALL(getpriority); KILN_SYSCALL(setpriority); KILN_SYSCALL(sched_getscheduler);
KILN_SYSCALL(sched_setscheduler); KILN_SYSCALL(sched_getparam); KILN_SYSCALL(sched_setparam);
KILN_SYSCALL(sched_get_priority_max); KILN_SYSCALL(sched_get_priority_min);
KILN_SYSCALL(sched_rr_get_interval); KILN_SYSCALL(setpgid); KILN_SYSCALL(setsid);
KILN_SYSCALL(setxattr); KILN_SYSCALL(lsetxattr); KILN_SYSCALL(fsetxattr); KILN_SYSCALL(getxattr);
KILN_SYSCALL(lgetxattr); KILN_SYSCALL(fgetxattr); KILN_SYSCALL(listxattr); KILN_SYSCALL(llistxattr);
KILN_SYSCALL(flistxattr); KILN_SYSCALL(removexattr); KILN_SYSCALL(lremovexattr);
KILN_SYSCALL(fremovexattr); KILN_SYSCALL(fadvise64); KILN_SYSCALL(memfd_create);
KILN_SYSCALL(pidfd_open); KILN_SYSCALL(pidfd_send_signal);
KILN_SYSCALL(splice); KILN_SYSCALL(tee); KILN_SYSCALL(vmsplice); KILN_SYSCALL(chroot);
#undef KILN_SYSCALL

}  // namespace kiln
