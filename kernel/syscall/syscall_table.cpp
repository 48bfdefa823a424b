#include "syscall/syscall_table.h"

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
    {0, sys_read}, {1, sys_write}, {2, sys_open}, {3, sys_close}, {4, sys_stat},
    {5, sys_fstat}, {6, sys_lstat}, {7, sys_poll}, {8, sys_lseek}, {9, sys_mmap}, {10, mprotect6},
    {11, munmap6}, {12, brk6}, {13, sys_rt_sigaction}, {14, sys_rt_sigprocmask},
    {15, sys_rt_sigreturn}, {16, sys_ioctl}, {17, sys_pread64}, {18, sys_pwrite64},
    {19, sys_readv}, {20, sys_writev}, {21, sys_access}, {22, sys_pipe}, {23, sys_select},
    {24, sys_sched_yield},
    {25, mremap6}, {26, msync6}, {28, madvise6}, {32, sys_dup}, {33, sys_dup2}, {34, sys_pause}, {35, sys_nanosleep}, {36, sys_getitimer}, {37, sys_alarm},
    {38, sys_setitimer},
    {39, sys_getpid}, {40, sys_sendfile}, {41, sys_socket}, {42, sys_connect}, {43, sys_accept},
    {44, sys_sendto}, {45, sys_recvfrom}, {46, sys_sendmsg}, {47, sys_recvmsg},
    {48, sys_shutdown}, {49, sys_bind}, {50, sys_listen}, {51, sys_getsockname},
    {52, sys_getpeername}, {53, sys_socketpair}, {54, sys_setsockopt}, {55, sys_getsockopt},
    {56, sys_clone}, {57, sys_fork}, {58, sys_vfork}, {59, sys_execve}, {60, sys_exit},
    {61, sys_wait4}, {247, sys_waitid}, {62, sys_kill}, {63, sys_uname}, {322, sys_execveat},
    {72, sys_fcntl}, {73, sys_flock}, {74, sys_fsync}, {75, sys_fdatasync},
    {76, sys_truncate}, {77, sys_ftruncate}, {79, sys_getcwd}, {80, sys_chdir},
    {81, sys_fchdir}, {82, sys_rename}, {83, sys_mkdir}, {84, sys_rmdir}, {85, sys_creat},
    {86, sys_link}, {87, sys_unlink}, {88, sys_symlink}, {89, sys_readlink}, {90, sys_chmod},
    {91, sys_fchmod}, {92, sys_chown}, {93, sys_fchown}, {94, sys_lchown}, {95, sys_umask},
    {96, sys_gettimeofday}, {97, sys_getrlimit}, {98, sys_getrusage}, {99, sys_sysinfo},
    {100, sys_times}, {102, sys_getuid}, {104, sys_getgid}, {105, sys_setuid}, {106, sys_setgid},
    {107, sys_geteuid},
    {108, sys_getegid}, {110, sys_getppid}, {113, sys_setreuid}, {114, sys_setregid},
    {115, sys_getgroups}, {116, sys_setgroups}, {117, sys_setresuid}, {118, sys_getresuid},
    {119, sys_setresgid}, {120, sys_getresgid}, {122, sys_setfsuid}, {123, sys_setfsgid}, {111, sys_getpgrp}, {121, sys_getpgid},
    {124, sys_getsid}, {133, sys_mknod}, {137, sys_statfs}, {138, sys_fstatfs}, {127, sys_rt_sigpending}, {130, sys_rt_sigsuspend},
    {131, sys_sigaltstack}, {157, sys_prctl}, {158, sys_arch_prctl},
    {160, sys_setrlimit}, {162, sys_sync}, {170, sys_sethostname}, {186, sys_gettid}, {200, sys_tkill},
    {201, sys_time}, {202, sys_futex}, {203, sys_sched_setaffinity},
    {204, sys_sched_getaffinity}, {218, sys_set_tid_address}, {228, sys_clock_gettime},
    {229, sys_clock_getres}, {230, sys_clock_nanosleep}, {231, sys_exit_group},
    {234, sys_tgkill}, {257, sys_openat}, {258, sys_mkdirat}, {259, sys_mknodat}, {260, sys_fchownat},
    {262, sys_newfstatat}, {263, sys_unlinkat}, {264, sys_renameat}, {265, sys_linkat},
    {266, sys_symlinkat}, {268, sys_fchmodat}, {280, sys_utimensat}, {285, sys_fallocate},
    {295, sys_preadv}, {296, sys_pwritev}, {306, sys_syncfs}, {316, sys_renameat2},
    {326, sys_copy_file_range}, {327, sys_preadv2}, {328, sys_pwritev2}, {436, sys_close_range}, {267, sys_readlinkat},
    {269, sys_faccessat}, {273, sys_set_robust_list}, {274, sys_get_robust_list},
    {288, sys_accept4}, {292, sys_dup3}, {299, sys_recvmmsg}, {307, sys_sendmmsg}, {302, sys_prlimit64}, {309, sys_getcpu}, {318, sys_getrandom},
    {213, sys_epoll_create}, {217, sys_getdents64}, {232, sys_epoll_wait}, {233, sys_epoll_ctl},
    {270, sys_pselect6}, {271, sys_ppoll}, {281, sys_epoll_pwait}, {284, sys_eventfd},
    {290, sys_eventfd2}, {291, sys_epoll_create1}, {293, sys_pipe2}, {441, sys_epoll_pwait2},
    {109, sys_setpgid}, {112, sys_setsid}, {140, sys_getpriority}, {141, sys_setpriority},
    {142, sys_sched_setparam}, {143, sys_sched_getparam}, {144, sys_sched_setscheduler},
    {145, sys_sched_getscheduler}, {146, sys_sched_get_priority_max},
    {147, sys_sched_get_priority_min}, {148, sys_sched_rr_get_interval},
    {188, sys_setxattr}, {189, sys_lsetxattr}, {190, sys_fsetxattr}, {191, sys_getxattr},
    {192, sys_lgetxattr}, {193, sys_fgetxattr}, {194, sys_listxattr}, {195, sys_llistxattr},
    {196, sys_flistxattr}, {197, sys_removexattr}, {198, sys_lremovexattr},
    {199, sys_fremovexattr}, {221, sys_fadvise64}, {319, sys_memfd_create}, {424, sys_pidfd_send_signal},
    {434, sys_pidfd_open}, {275, sys_splice}, {276, sys_tee}, {278, sys_vmsplice},
    {161, sys_chroot},
    {332, sys_statx}, {334, sys_rseq}, {435, sys_clone3}, {439, sys_faccessat2},
};

struct Table {
  SyscallHandler fn[452] = {};
  constexpr Table() {
    for (const Entry& e : kEntries) fn[e.nr] = e.fn;
  }
};
constexpr Table kTable;

}  // namespace

const SyscallHandler* syscall_table() { return kTable.fn; }
size_t syscall_table_size() { return sizeof kTable.fn / sizeof *kTable.fn; }

}  // namespace kiln
