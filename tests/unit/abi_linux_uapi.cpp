// The Linux half of abi_linux_test: kiln's ABI headers against the host
// kernel's own (uapi) headers, for what libc leaves out or defines its own
// way (its O_LARGEFILE is 0, its sigaction and termios differ). Kept apart
// from GoogleTest and most of libc, whose headers clash with these.
#include <stddef.h>

#include "abi/linux/auxvec.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/futex.h"
#include "abi/linux/if.h"
#include "abi/linux/in.h"
#include "abi/linux/ioctl.h"
#include "abi/linux/limits.h"
#include "abi/linux/mman.h"
#include "abi/linux/poll.h"
#include "abi/linux/prctl.h"
#include "abi/linux/random.h"
#include "abi/linux/resource.h"
#include "abi/linux/sched.h"
#include "abi/linux/signal.h"
#include "abi/linux/socket.h"
#include "abi/linux/stat.h"
#include "abi/linux/statfs.h"
#include "abi/linux/sysinfo.h"
#include "abi/linux/tcp.h"
#include "abi/linux/termios.h"
#include "abi/linux/time.h"
#include "abi/linux/ucontext.h"
#include "abi/linux/uio.h"
#include "abi/linux/unistd.h"
#include "abi/linux/utsname.h"
#include "abi/linux/wait.h"
#include "abi/linux/xattr.h"
#include "abi/linux/pidfd.h"
#include "abi_linux_check.h"

#include <asm/fcntl.h>
#include <asm/param.h>
#include <asm/prctl.h>
#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <asm/ucontext.h>
#include <linux/auxvec.h>
#include <linux/close_range.h>
#include <linux/eventpoll.h>
#include <linux/falloc.h>
#include <linux/fadvise.h>
#include <linux/fcntl.h>
#include <linux/memfd.h>
#include <linux/pidfd.h>
#include <linux/xattr.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/limits.h>
#include <linux/magic.h>
#include <linux/mman.h>
#include <linux/poll.h>
#include <linux/prctl.h>
#include <linux/random.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/sockios.h>
#include <linux/stat.h>
#include <linux/sysinfo.h>
#include <linux/tcp.h>
#include <linux/time.h>
#include <linux/uio.h>
#include <linux/un.h>
#include <linux/utsname.h>
#include <linux/wait.h>
#include <asm/errno.h>
#include <asm/ioctls.h>
#include <asm/siginfo.h>
#include <asm/unistd.h>
#include <linux/times.h>

// Calls newer than the host's headers (Linux 6.1) are checked only there.
#ifndef __NR_cachestat
#define __NR_cachestat kiln::abi::kNR_cachestat
#endif

const AbiCheck kUapiChecks[] = {
    // errno.h
    ABI_SAME(EPERM), ABI_SAME(ENOENT), ABI_SAME(ESRCH), ABI_SAME(EINTR), ABI_SAME(EIO),
    ABI_SAME(ENXIO), ABI_SAME(E2BIG), ABI_SAME(ENOEXEC), ABI_SAME(EBADF), ABI_SAME(ECHILD),
    ABI_SAME(EAGAIN), ABI_SAME(ENOMEM), ABI_SAME(EACCES), ABI_SAME(EFAULT), ABI_SAME(ENOTBLK),
    ABI_SAME(EBUSY), ABI_SAME(EEXIST), ABI_SAME(EXDEV), ABI_SAME(ENODEV), ABI_SAME(ENOTDIR),
    ABI_SAME(EISDIR), ABI_SAME(EINVAL), ABI_SAME(ENFILE), ABI_SAME(EMFILE), ABI_SAME(ENOTTY),
    ABI_SAME(ETXTBSY), ABI_SAME(EFBIG), ABI_SAME(ENOSPC), ABI_SAME(ESPIPE), ABI_SAME(EROFS),
    ABI_SAME(EMLINK), ABI_SAME(EPIPE), ABI_SAME(EDOM), ABI_SAME(ERANGE), ABI_SAME(EDEADLK),
    ABI_SAME(ENAMETOOLONG), ABI_SAME(ENOLCK), ABI_SAME(ENOSYS), ABI_SAME(ENOTEMPTY),
    ABI_SAME(ELOOP), ABI_SAME(ENOMSG), ABI_SAME(ENODATA), ABI_SAME(ETIME), ABI_SAME(EOVERFLOW),
    ABI_SAME(EBADFD), ABI_SAME(ENOTSOCK), ABI_SAME(EDESTADDRREQ), ABI_SAME(EMSGSIZE),
    ABI_SAME(EPROTOTYPE), ABI_SAME(ENOPROTOOPT), ABI_SAME(EPROTONOSUPPORT),
    ABI_SAME(ESOCKTNOSUPPORT), ABI_SAME(EOPNOTSUPP), ABI_VALUE(kENOTSUP, EOPNOTSUPP),
    ABI_SAME(EAFNOSUPPORT), ABI_SAME(EADDRINUSE), ABI_SAME(EADDRNOTAVAIL), ABI_SAME(ENETDOWN),
    ABI_SAME(ENETUNREACH), ABI_SAME(ECONNABORTED), ABI_SAME(ECONNRESET), ABI_SAME(ENOBUFS),
    ABI_SAME(EISCONN), ABI_SAME(ENOTCONN), ABI_SAME(ETIMEDOUT), ABI_SAME(ECONNREFUSED),
    ABI_SAME(EHOSTUNREACH), ABI_SAME(EALREADY), ABI_SAME(EINPROGRESS), ABI_SAME(EUCLEAN),

    // fcntl.h
    ABI_SAME(O_ACCMODE), ABI_SAME(O_RDONLY), ABI_SAME(O_WRONLY), ABI_SAME(O_RDWR),
    ABI_SAME(O_CREAT), ABI_SAME(O_EXCL), ABI_SAME(O_NOCTTY), ABI_SAME(O_TRUNC), ABI_SAME(O_APPEND),
    ABI_SAME(O_NONBLOCK), ABI_SAME(O_DSYNC), ABI_SAME(O_DIRECT), ABI_SAME(O_LARGEFILE),
    ABI_SAME(O_DIRECTORY), ABI_SAME(O_NOFOLLOW), ABI_SAME(O_NOATIME), ABI_SAME(O_CLOEXEC),
    ABI_SAME(O_SYNC), ABI_SAME(O_PATH), ABI_SAME(O_TMPFILE), ABI_SAME(F_DUPFD), ABI_SAME(F_GETFD),
    ABI_SAME(F_SETFD), ABI_SAME(F_GETFL), ABI_SAME(F_SETFL), ABI_SAME(F_GETLK), ABI_SAME(F_SETLK),
    ABI_SAME(F_SETLKW), ABI_SAME(F_SETOWN), ABI_SAME(F_GETOWN), ABI_SAME(F_SETSIG),
    ABI_SAME(F_GETSIG), ABI_SAME(F_OFD_GETLK), ABI_SAME(F_OFD_SETLK), ABI_SAME(F_OFD_SETLKW),
    ABI_SAME(F_DUPFD_CLOEXEC), ABI_SAME(F_SETPIPE_SZ), ABI_SAME(F_GETPIPE_SZ), ABI_SAME(FD_CLOEXEC),
    ABI_SAME(F_RDLCK), ABI_SAME(F_WRLCK), ABI_SAME(F_UNLCK), ABI_SAME(LOCK_SH), ABI_SAME(LOCK_EX),
    ABI_SAME(LOCK_NB), ABI_SAME(LOCK_UN), ABI_SAME(SEEK_SET), ABI_SAME(SEEK_CUR),
    ABI_SAME(SEEK_END), ABI_SAME(SEEK_DATA), ABI_SAME(SEEK_HOLE), ABI_SAME(SEEK_MAX),
    ABI_SAME(AT_FDCWD), ABI_SAME(AT_SYMLINK_NOFOLLOW), ABI_SAME(AT_EACCESS), ABI_SAME(AT_REMOVEDIR),
    ABI_SAME(AT_SYMLINK_FOLLOW), ABI_SAME(AT_NO_AUTOMOUNT), ABI_SAME(AT_EMPTY_PATH),
    ABI_SAME(AT_STATX_SYNC_TYPE), ABI_SAME(RENAME_NOREPLACE), ABI_SAME(RENAME_EXCHANGE),
    ABI_SAME(RENAME_WHITEOUT), ABI_SAME(FALLOC_FL_KEEP_SIZE), ABI_SAME(CLOSE_RANGE_CLOEXEC),
    ABI_SAME(F_ADD_SEALS), ABI_SAME(F_GET_SEALS), ABI_SAME(F_SEAL_SEAL), ABI_SAME(F_SEAL_SHRINK),
    ABI_SAME(F_SEAL_GROW), ABI_SAME(F_SEAL_WRITE), ABI_SAME(F_SEAL_FUTURE_WRITE),
#ifdef F_SEAL_EXEC
    ABI_SAME(F_SEAL_EXEC),
#endif
    ABI_SAME(MFD_CLOEXEC), ABI_SAME(MFD_ALLOW_SEALING), ABI_SAME(MFD_HUGETLB),
#ifdef MFD_NOEXEC_SEAL
    ABI_SAME(MFD_NOEXEC_SEAL), ABI_SAME(MFD_EXEC),
#endif
    ABI_SAME(POSIX_FADV_NORMAL), ABI_SAME(POSIX_FADV_RANDOM), ABI_SAME(POSIX_FADV_SEQUENTIAL),
    ABI_SAME(POSIX_FADV_WILLNEED), ABI_SAME(POSIX_FADV_DONTNEED), ABI_SAME(POSIX_FADV_NOREUSE),
    ABI_SIZE(Flock, struct flock), ABI_FIELD(Flock, type, struct flock, l_type),
    ABI_FIELD(Flock, whence, struct flock, l_whence),
    ABI_FIELD(Flock, start, struct flock, l_start), ABI_FIELD(Flock, len, struct flock, l_len),
    ABI_FIELD(Flock, pid, struct flock, l_pid),

    // stat.h
    ABI_SIZE(Stat, struct stat), ABI_FIELD(Stat, dev, struct stat, st_dev),
    ABI_FIELD(Stat, ino, struct stat, st_ino), ABI_FIELD(Stat, nlink, struct stat, st_nlink),
    ABI_FIELD(Stat, mode, struct stat, st_mode), ABI_FIELD(Stat, uid, struct stat, st_uid),
    ABI_FIELD(Stat, gid, struct stat, st_gid), ABI_FIELD(Stat, rdev, struct stat, st_rdev),
    ABI_FIELD(Stat, size, struct stat, st_size), ABI_FIELD(Stat, blksize, struct stat, st_blksize),
    ABI_FIELD(Stat, blocks, struct stat, st_blocks), ABI_FIELD(Stat, atime, struct stat, st_atime),
    ABI_FIELD(Stat, atime_nsec, struct stat, st_atime_nsec),
    ABI_FIELD(Stat, mtime, struct stat, st_mtime),
    ABI_FIELD(Stat, mtime_nsec, struct stat, st_mtime_nsec),
    ABI_FIELD(Stat, ctime, struct stat, st_ctime),
    ABI_FIELD(Stat, ctime_nsec, struct stat, st_ctime_nsec), ABI_SAME(STATX_BASIC_STATS),
    ABI_VALUE(kSTATX_RESERVED, STATX__RESERVED), ABI_SIZE(StatxTimestamp, struct statx_timestamp),
    ABI_FIELD(StatxTimestamp, sec, struct statx_timestamp, tv_sec),
    ABI_FIELD(StatxTimestamp, nsec, struct statx_timestamp, tv_nsec), ABI_SIZE(Statx, struct statx),
    ABI_FIELD(Statx, mask, struct statx, stx_mask),
    ABI_FIELD(Statx, blksize, struct statx, stx_blksize),
    ABI_FIELD(Statx, attributes, struct statx, stx_attributes),
    ABI_FIELD(Statx, nlink, struct statx, stx_nlink), ABI_FIELD(Statx, uid, struct statx, stx_uid),
    ABI_FIELD(Statx, gid, struct statx, stx_gid), ABI_FIELD(Statx, mode, struct statx, stx_mode),
    ABI_FIELD(Statx, ino, struct statx, stx_ino), ABI_FIELD(Statx, size, struct statx, stx_size),
    ABI_FIELD(Statx, blocks, struct statx, stx_blocks),
    ABI_FIELD(Statx, attributes_mask, struct statx, stx_attributes_mask),
    ABI_FIELD(Statx, atime, struct statx, stx_atime),
    ABI_FIELD(Statx, btime, struct statx, stx_btime),
    ABI_FIELD(Statx, ctime, struct statx, stx_ctime),
    ABI_FIELD(Statx, mtime, struct statx, stx_mtime),
    ABI_FIELD(Statx, rdev_major, struct statx, stx_rdev_major),
    ABI_FIELD(Statx, rdev_minor, struct statx, stx_rdev_minor),
    ABI_FIELD(Statx, dev_major, struct statx, stx_dev_major),
    ABI_FIELD(Statx, dev_minor, struct statx, stx_dev_minor),

    // statfs.h
    ABI_SAME(TMPFS_MAGIC), ABI_SAME(PROC_SUPER_MAGIC), ABI_SAME(ISOFS_SUPER_MAGIC),
    ABI_SAME(EXT2_SUPER_MAGIC), ABI_SIZE(Statfs, struct statfs),
    ABI_FIELD(Statfs, type, struct statfs, f_type),
    ABI_FIELD(Statfs, bsize, struct statfs, f_bsize),
    ABI_FIELD(Statfs, blocks, struct statfs, f_blocks),
    ABI_FIELD(Statfs, bfree, struct statfs, f_bfree),
    ABI_FIELD(Statfs, bavail, struct statfs, f_bavail),
    ABI_FIELD(Statfs, files, struct statfs, f_files),
    ABI_FIELD(Statfs, ffree, struct statfs, f_ffree),
    ABI_FIELD(Statfs, fsid, struct statfs, f_fsid),
    ABI_FIELD(Statfs, namelen, struct statfs, f_namelen),
    ABI_FIELD(Statfs, frsize, struct statfs, f_frsize),
    ABI_FIELD(Statfs, flags, struct statfs, f_flags),

    // limits.h, uio.h
    ABI_SAME(PATH_MAX), ABI_SAME(NAME_MAX), ABI_SAME(PIPE_BUF), ABI_SAME(UIO_MAXIOV),
    ABI_SIZE(Iovec, struct iovec), ABI_FIELD(Iovec, base, struct iovec, iov_base),
    ABI_FIELD(Iovec, len, struct iovec, iov_len),

    // poll.h
    ABI_SAME(POLLIN), ABI_SAME(POLLPRI), ABI_SAME(POLLOUT), ABI_SAME(POLLERR), ABI_SAME(POLLHUP),
    ABI_SAME(POLLNVAL), ABI_SAME(POLLRDNORM), ABI_SAME(POLLWRNORM), ABI_SAME(POLLRDHUP),
    ABI_SAME(EPOLLIN), ABI_SAME(EPOLLPRI), ABI_SAME(EPOLLOUT), ABI_SAME(EPOLLERR),
    ABI_SAME(EPOLLHUP), ABI_SAME(EPOLLRDNORM), ABI_SAME(EPOLLWRNORM), ABI_SAME(EPOLLRDHUP),
    ABI_SAME(EPOLLEXCLUSIVE), ABI_SAME(EPOLLWAKEUP), ABI_SAME(EPOLLONESHOT), ABI_SAME(EPOLLET),
    ABI_SAME(EPOLL_CTL_ADD), ABI_SAME(EPOLL_CTL_DEL), ABI_SAME(EPOLL_CTL_MOD),
    ABI_SAME(EPOLL_CLOEXEC), ABI_SIZE(Pollfd, struct pollfd),
    ABI_FIELD(Pollfd, fd, struct pollfd, fd), ABI_FIELD(Pollfd, events, struct pollfd, events),
    ABI_FIELD(Pollfd, revents, struct pollfd, revents), ABI_SIZE(EpollEvent, struct epoll_event),
    ABI_FIELD(EpollEvent, events, struct epoll_event, events),
    ABI_FIELD(EpollEvent, data, struct epoll_event, data),

    // mman.h
    ABI_SAME(PROT_NONE), ABI_SAME(PROT_READ), ABI_SAME(PROT_WRITE), ABI_SAME(PROT_EXEC),
    ABI_SAME(PROT_GROWSDOWN), ABI_SAME(MAP_SHARED), ABI_SAME(MAP_PRIVATE),
    ABI_SAME(MAP_SHARED_VALIDATE), ABI_SAME(MAP_FIXED), ABI_SAME(MAP_ANONYMOUS),
    ABI_SAME(MAP_NORESERVE), ABI_SAME(MAP_POPULATE), ABI_SAME(MAP_FIXED_NOREPLACE),
    ABI_SAME(MREMAP_MAYMOVE), ABI_SAME(MREMAP_FIXED), ABI_SAME(MREMAP_DONTUNMAP),
    ABI_SAME(MADV_DONTNEED), ABI_SAME(MADV_FREE), ABI_SAME(MADV_REMOVE), ABI_SAME(MADV_COLLAPSE),
    ABI_SAME(MS_ASYNC), ABI_SAME(MS_INVALIDATE), ABI_SAME(MS_SYNC),

    // signal.h
    ABI_SAME(SIGHUP), ABI_SAME(SIGINT), ABI_SAME(SIGQUIT), ABI_SAME(SIGILL), ABI_SAME(SIGTRAP),
    ABI_SAME(SIGABRT), ABI_SAME(SIGBUS), ABI_SAME(SIGFPE), ABI_SAME(SIGKILL), ABI_SAME(SIGUSR1),
    ABI_SAME(SIGSEGV), ABI_SAME(SIGUSR2), ABI_SAME(SIGPIPE), ABI_SAME(SIGALRM), ABI_SAME(SIGTERM),
    ABI_SAME(SIGSTKFLT), ABI_SAME(SIGCHLD), ABI_SAME(SIGCONT), ABI_SAME(SIGSTOP), ABI_SAME(SIGTSTP),
    ABI_SAME(SIGTTIN), ABI_SAME(SIGTTOU), ABI_SAME(SIGURG), ABI_SAME(SIGXCPU), ABI_SAME(SIGXFSZ),
    ABI_SAME(SIGVTALRM), ABI_SAME(SIGPROF), ABI_SAME(SIGWINCH), ABI_SAME(SIGIO), ABI_SAME(SIGPWR),
    ABI_SAME(SIGSYS), ABI_SAME(SIGRTMIN), ABI_VALUE(kSIGRTMAX, sizeof(sigset_t) * 8),
    // the kernel's SIGRTMAX is _NSIG ABI_SIZE(Sigset, sigset_t), ABI_SAME(SIG_DFL),
    ABI_SAME(SIG_IGN), ABI_SAME(SA_RESTORER), ABI_SAME(SA_ONSTACK), ABI_SAME(SA_NODEFER),
    ABI_SAME(SA_RESETHAND), ABI_SAME(SIG_BLOCK), ABI_SAME(SIG_UNBLOCK), ABI_SAME(SIG_SETMASK),
    ABI_SAME(SS_ONSTACK), ABI_SAME(SS_DISABLE), ABI_SAME(SS_AUTODISARM), ABI_SAME(MINSIGSTKSZ),
    ABI_SAME(SI_USER), ABI_SAME(SI_KERNEL), ABI_SAME(SI_TKILL), ABI_SAME(ILL_ILLOPN),
    ABI_SAME(FPE_INTDIV), ABI_SAME(FPE_FLTINV), ABI_SAME(SEGV_MAPERR), ABI_SAME(SEGV_ACCERR),
    ABI_SAME(BUS_ADRALN), ABI_SAME(BUS_ADRERR), ABI_SAME(TRAP_BRKPT), ABI_SAME(CLD_EXITED),
    ABI_SAME(CLD_KILLED), ABI_SAME(CLD_DUMPED), ABI_SIZE(Sigaction, struct sigaction),
    ABI_FIELD(Sigaction, handler, struct sigaction, sa_handler),
    ABI_FIELD(Sigaction, flags, struct sigaction, sa_flags),
    ABI_FIELD(Sigaction, restorer, struct sigaction, sa_restorer),
    ABI_FIELD(Sigaction, mask, struct sigaction, sa_mask), ABI_SIZE(StackT, stack_t),
    ABI_FIELD(StackT, sp, stack_t, ss_sp), ABI_FIELD(StackT, flags, stack_t, ss_flags),
    ABI_FIELD(StackT, size, stack_t, ss_size), ABI_SIZE(Siginfo, siginfo_t),
    ABI_FIELD(Siginfo, signo, siginfo_t, si_signo), ABI_FIELD(Siginfo, errno_, siginfo_t, si_errno),
    ABI_FIELD(Siginfo, code, siginfo_t, si_code), ABI_FIELD(Siginfo, u.kill.pid, siginfo_t, si_pid),
    ABI_FIELD(Siginfo, u.kill.uid, siginfo_t, si_uid),
    ABI_FIELD(Siginfo, u.child.pid, siginfo_t, si_pid),
    ABI_FIELD(Siginfo, u.child.uid, siginfo_t, si_uid),
    ABI_FIELD(Siginfo, u.child.status, siginfo_t, si_status),
    ABI_FIELD(Siginfo, u.addr, siginfo_t, si_addr),

    // ucontext.h
    ABI_SAME(UC_FP_XSTATE), ABI_SAME(UC_SIGCONTEXT_SS), ABI_SAME(UC_STRICT_RESTORE_SS),
    ABI_SAME(FP_XSTATE_MAGIC1), ABI_SAME(FP_XSTATE_MAGIC2), ABI_SIZE(Sigcontext, struct sigcontext),
    ABI_FIELD(Sigcontext, r8, struct sigcontext, r8),
    ABI_FIELD(Sigcontext, r15, struct sigcontext, r15),
    ABI_FIELD(Sigcontext, rdi, struct sigcontext, rdi),
    ABI_FIELD(Sigcontext, rsi, struct sigcontext, rsi),
    ABI_FIELD(Sigcontext, rbp, struct sigcontext, rbp),
    ABI_FIELD(Sigcontext, rbx, struct sigcontext, rbx),
    ABI_FIELD(Sigcontext, rdx, struct sigcontext, rdx),
    ABI_FIELD(Sigcontext, rax, struct sigcontext, rax),
    ABI_FIELD(Sigcontext, rcx, struct sigcontext, rcx),
    ABI_FIELD(Sigcontext, rsp, struct sigcontext, rsp),
    ABI_FIELD(Sigcontext, rip, struct sigcontext, rip),
    ABI_FIELD(Sigcontext, eflags, struct sigcontext, eflags),
    ABI_FIELD(Sigcontext, cs, struct sigcontext, cs),
    ABI_FIELD(Sigcontext, gs, struct sigcontext, gs),
    ABI_FIELD(Sigcontext, fs, struct sigcontext, fs),
    ABI_FIELD(Sigcontext, ss, struct sigcontext, ss),
    ABI_FIELD(Sigcontext, err, struct sigcontext, err),
    ABI_FIELD(Sigcontext, trapno, struct sigcontext, trapno),
    ABI_FIELD(Sigcontext, oldmask, struct sigcontext, oldmask),
    ABI_FIELD(Sigcontext, cr2, struct sigcontext, cr2),
    ABI_FIELD(Sigcontext, fpstate, struct sigcontext, fpstate), ABI_SIZE(Ucontext, struct ucontext),
    ABI_FIELD(Ucontext, flags, struct ucontext, uc_flags),
    ABI_FIELD(Ucontext, link, struct ucontext, uc_link),
    ABI_FIELD(Ucontext, stack, struct ucontext, uc_stack),
    ABI_FIELD(Ucontext, mcontext, struct ucontext, uc_mcontext),
    ABI_FIELD(Ucontext, sigmask, struct ucontext, uc_sigmask),

    // ioctl.h
    ABI_SAME(TCGETS), ABI_SAME(TCSETS), ABI_SAME(TCSETSW), ABI_SAME(TCSETSF), ABI_SAME(TIOCGPGRP),
    ABI_SAME(TIOCGWINSZ), ABI_SAME(TIOCSWINSZ), ABI_SAME(FIONREAD), ABI_SAME(FIONBIO),
    ABI_SAME(FIONCLEX), ABI_SAME(FIOCLEX), ABI_SAME(BLKROGET), ABI_SAME(BLKGETSIZE),
    ABI_SAME(BLKFLSBUF), ABI_SAME(BLKSSZGET), ABI_SAME(BLKGETSIZE64),

    // termios.h
    ABI_SAME(ICRNL), ABI_SAME(OPOST), ABI_SAME(ONLCR), ABI_SAME(B38400), ABI_SAME(CS8),
    ABI_SAME(CREAD), ABI_SAME(ISIG), ABI_SAME(ICANON), ABI_SAME(ECHO), ABI_SAME(NCCS),
    ABI_SIZE(Termios, struct termios), ABI_FIELD(Termios, iflag, struct termios, c_iflag),
    ABI_FIELD(Termios, oflag, struct termios, c_oflag),
    ABI_FIELD(Termios, cflag, struct termios, c_cflag),
    ABI_FIELD(Termios, lflag, struct termios, c_lflag),
    ABI_FIELD(Termios, line, struct termios, c_line), ABI_FIELD(Termios, cc, struct termios, c_cc),
    ABI_SIZE(Winsize, struct winsize), ABI_FIELD(Winsize, row, struct winsize, ws_row),
    ABI_FIELD(Winsize, col, struct winsize, ws_col),
    ABI_FIELD(Winsize, xpixel, struct winsize, ws_xpixel),
    ABI_FIELD(Winsize, ypixel, struct winsize, ws_ypixel),

    // if.h: the ioctls (the rest is libc's)
    ABI_SAME(SIOCADDRT), ABI_SAME(SIOCDELRT), ABI_SAME(SIOCGIFNAME), ABI_SAME(SIOCGIFCONF),
    ABI_SAME(SIOCGIFFLAGS), ABI_SAME(SIOCSIFFLAGS), ABI_SAME(SIOCGIFADDR), ABI_SAME(SIOCSIFADDR),
    ABI_SAME(SIOCGIFBRDADDR), ABI_SAME(SIOCGIFNETMASK), ABI_SAME(SIOCSIFNETMASK),
    ABI_SAME(SIOCGIFMETRIC), ABI_SAME(SIOCGIFMTU), ABI_SAME(SIOCSIFMTU), ABI_SAME(SIOCSIFHWADDR),
    ABI_SAME(SIOCGIFHWADDR), ABI_SAME(SIOCGIFINDEX), ABI_SAME(SIOCGIFTXQLEN),

    // socket.h: sockaddr_un (the rest is libc's)
    ABI_SIZE(SockaddrUn, struct sockaddr_un),
    ABI_FIELD(SockaddrUn, family, struct sockaddr_un, sun_family),
    ABI_FIELD(SockaddrUn, path, struct sockaddr_un, sun_path),

    // in.h, tcp.h
    ABI_SAME(IPPROTO_IP), ABI_SAME(IPPROTO_ICMP), ABI_SAME(IPPROTO_TCP), ABI_SAME(IPPROTO_UDP),
    ABI_SAME(IPPROTO_IPV6), ABI_SAME(IP_TOS), ABI_SAME(IP_TTL), ABI_SAME(IPV6_V6ONLY),
    ABI_SIZE(SockaddrIn, struct sockaddr_in),
    ABI_FIELD(SockaddrIn, family, struct sockaddr_in, sin_family),
    ABI_FIELD(SockaddrIn, port, struct sockaddr_in, sin_port),
    ABI_FIELD(SockaddrIn, addr, struct sockaddr_in, sin_addr),
    ABI_SIZE(SockaddrIn6, struct sockaddr_in6),
    ABI_FIELD(SockaddrIn6, family, struct sockaddr_in6, sin6_family),
    ABI_FIELD(SockaddrIn6, port, struct sockaddr_in6, sin6_port),
    ABI_FIELD(SockaddrIn6, flowinfo, struct sockaddr_in6, sin6_flowinfo),
    ABI_FIELD(SockaddrIn6, addr, struct sockaddr_in6, sin6_addr),
    ABI_FIELD(SockaddrIn6, scope_id, struct sockaddr_in6, sin6_scope_id), ABI_SAME(TCP_NODELAY),
    ABI_SAME(TCP_MAXSEG), ABI_SAME(TCP_KEEPIDLE), ABI_SAME(TCP_KEEPINTVL), ABI_SAME(TCP_KEEPCNT),

    // time.h
    ABI_SAME(CLOCK_REALTIME), ABI_SAME(CLOCK_MONOTONIC), ABI_SAME(CLOCK_PROCESS_CPUTIME_ID),
    ABI_SAME(CLOCK_THREAD_CPUTIME_ID), ABI_SAME(CLOCK_MONOTONIC_RAW),
    ABI_SAME(CLOCK_REALTIME_COARSE), ABI_SAME(CLOCK_MONOTONIC_COARSE), ABI_SAME(CLOCK_BOOTTIME),
    ABI_SAME(CLOCK_REALTIME_ALARM), ABI_SAME(CLOCK_BOOTTIME_ALARM), ABI_SAME(CLOCK_TAI),
    ABI_SAME(TIMER_ABSTIME), ABI_SAME(ITIMER_REAL), ABI_SAME(ITIMER_VIRTUAL), ABI_SAME(ITIMER_PROF),
    ABI_VALUE(kUSER_HZ, HZ), ABI_SIZE(Timespec, struct timespec),
    ABI_FIELD(Timespec, sec, struct timespec, tv_sec),
    ABI_FIELD(Timespec, nsec, struct timespec, tv_nsec), ABI_SIZE(Timeval, struct timeval),
    ABI_FIELD(Timeval, sec, struct timeval, tv_sec),
    ABI_FIELD(Timeval, usec, struct timeval, tv_usec), ABI_SIZE(Itimerval, struct itimerval),
    ABI_FIELD(Itimerval, interval, struct itimerval, it_interval),
    ABI_FIELD(Itimerval, value, struct itimerval, it_value), ABI_SIZE(Timezone, struct timezone),
    ABI_FIELD(Timezone, minuteswest, struct timezone, tz_minuteswest),
    ABI_FIELD(Timezone, dsttime, struct timezone, tz_dsttime), ABI_SIZE(Tms, struct tms),
    ABI_FIELD(Tms, utime, struct tms, tms_utime), ABI_FIELD(Tms, stime, struct tms, tms_stime),
    ABI_FIELD(Tms, cutime, struct tms, tms_cutime), ABI_FIELD(Tms, cstime, struct tms, tms_cstime),

    // sched.h
    ABI_SAME(CSIGNAL), ABI_SAME(CLONE_VM), ABI_SAME(CLONE_FS), ABI_SAME(CLONE_FILES),
    ABI_SAME(CLONE_SIGHAND), ABI_SAME(CLONE_PIDFD), ABI_SAME(CLONE_VFORK), ABI_SAME(CLONE_PARENT),
    ABI_SAME(CLONE_THREAD), ABI_SAME(CLONE_SYSVSEM), ABI_SAME(CLONE_SETTLS),
    ABI_SAME(CLONE_PARENT_SETTID), ABI_SAME(CLONE_CHILD_CLEARTID), ABI_SAME(CLONE_DETACHED),
    ABI_SAME(CLONE_CHILD_SETTID), ABI_VALUE(kSCHED_OTHER, SCHED_NORMAL), ABI_SAME(SCHED_FIFO), ABI_SAME(SCHED_RR),
    ABI_SAME(SCHED_BATCH), ABI_SAME(SCHED_IDLE), ABI_SAME(SCHED_DEADLINE),
    ABI_SAME(SCHED_RESET_ON_FORK),
    AbiCheck{"sizeof CloneArgs", sizeof(kiln::abi::CloneArgs), CLONE_ARGS_SIZE_VER0},
    ABI_FIELD(CloneArgs, flags, struct clone_args, flags),
    ABI_FIELD(CloneArgs, pidfd, struct clone_args, pidfd),
    ABI_FIELD(CloneArgs, child_tid, struct clone_args, child_tid),
    ABI_FIELD(CloneArgs, parent_tid, struct clone_args, parent_tid),
    ABI_FIELD(CloneArgs, exit_signal, struct clone_args, exit_signal),
    ABI_FIELD(CloneArgs, stack, struct clone_args, stack),
    ABI_FIELD(CloneArgs, stack_size, struct clone_args, stack_size),
    ABI_FIELD(CloneArgs, tls, struct clone_args, tls),

    // futex.h
    ABI_SAME(FUTEX_WAIT), ABI_SAME(FUTEX_WAKE), ABI_SAME(FUTEX_REQUEUE),
    ABI_SAME(FUTEX_CMP_REQUEUE), ABI_SAME(FUTEX_WAKE_OP), ABI_SAME(FUTEX_WAIT_BITSET),
    ABI_SAME(FUTEX_WAKE_BITSET), ABI_SAME(FUTEX_PRIVATE_FLAG), ABI_SAME(FUTEX_CLOCK_REALTIME),
    ABI_SAME(FUTEX_OP_SET), ABI_SAME(FUTEX_OP_ADD), ABI_SAME(FUTEX_OP_OR), ABI_SAME(FUTEX_OP_ANDN),
    ABI_SAME(FUTEX_OP_XOR), ABI_SAME(FUTEX_OP_OPARG_SHIFT), ABI_SAME(FUTEX_OP_CMP_EQ),
    ABI_SAME(FUTEX_OP_CMP_NE), ABI_SAME(FUTEX_OP_CMP_LT), ABI_SAME(FUTEX_OP_CMP_LE),
    ABI_SAME(FUTEX_OP_CMP_GT), ABI_SAME(FUTEX_OP_CMP_GE),
    ABI_SIZE(RobustListHead, struct robust_list_head),
    ABI_FIELD(RobustListHead, next, struct robust_list_head, list),
    ABI_FIELD(RobustListHead, futex_offset, struct robust_list_head, futex_offset),
    ABI_FIELD(RobustListHead, list_op_pending, struct robust_list_head, list_op_pending),

    // wait.h
    ABI_SAME(WNOHANG), ABI_SAME(WUNTRACED), ABI_SAME(WCONTINUED),
    ABI_VALUE(kWNOTHREAD, __WNOTHREAD), ABI_VALUE(kWALL, __WALL), ABI_VALUE(kWCLONE, __WCLONE),
    ABI_SAME(WSTOPPED), ABI_SAME(WEXITED), ABI_SAME(WNOWAIT), ABI_SAME(P_ALL), ABI_SAME(P_PID),
    ABI_SAME(P_PGID), ABI_SAME(P_PIDFD),

    // xattr.h
    ABI_SAME(XATTR_CREATE), ABI_SAME(XATTR_REPLACE), ABI_SAME(XATTR_NAME_MAX),
    ABI_SAME(XATTR_SIZE_MAX), ABI_SAME(XATTR_LIST_MAX),
    // The prefixes are strings: a row is 0 when they are equal.
#define ABI_STRING(X) AbiCheck{#X, __builtin_strcmp(kiln::abi::k##X, X), 0}
    ABI_STRING(XATTR_USER_PREFIX), ABI_STRING(XATTR_TRUSTED_PREFIX),
    ABI_STRING(XATTR_SECURITY_PREFIX), ABI_STRING(XATTR_SYSTEM_PREFIX),
#undef ABI_STRING

    // pidfd.h (PIDFD_SIGNAL_*: Linux 6.9, newer than the host's headers)
    ABI_SAME(PIDFD_NONBLOCK),
#ifdef PIDFD_SIGNAL_THREAD
    ABI_SAME(PIDFD_SIGNAL_THREAD), ABI_SAME(PIDFD_SIGNAL_THREAD_GROUP),
    ABI_SAME(PIDFD_SIGNAL_PROCESS_GROUP),
#endif

    // resource.h
    ABI_SAME(RLIMIT_STACK), ABI_SAME(RLIMIT_NOFILE), ABI_SAME(RLIMIT_NICE), ABI_SAME(RLIM_NLIMITS),
    ABI_SAME(PRIO_PROCESS), ABI_SAME(PRIO_PGRP), ABI_SAME(PRIO_USER),
    ABI_SAME(RLIM_INFINITY), ABI_SAME(RUSAGE_SELF), ABI_SAME(RUSAGE_CHILDREN),
    ABI_SAME(RUSAGE_THREAD), ABI_SIZE(Rlimit, struct rlimit),
    ABI_FIELD(Rlimit, cur, struct rlimit, rlim_cur),
    ABI_FIELD(Rlimit, max, struct rlimit, rlim_max), ABI_SIZE(Rusage, struct rusage),
    ABI_FIELD(Rusage, utime, struct rusage, ru_utime),
    ABI_FIELD(Rusage, stime, struct rusage, ru_stime),
    ABI_FIELD(Rusage, maxrss, struct rusage, ru_maxrss),
    ABI_FIELD(Rusage, nivcsw, struct rusage, ru_nivcsw),

    // prctl.h, random.h
    ABI_SAME(PR_GET_DUMPABLE), ABI_SAME(PR_SET_DUMPABLE), ABI_SAME(PR_SET_NAME),
    ABI_SAME(PR_GET_NAME), ABI_SAME(ARCH_SET_GS), ABI_SAME(ARCH_SET_FS), ABI_SAME(ARCH_GET_FS),
    ABI_SAME(ARCH_GET_GS), ABI_SAME(GRND_NONBLOCK), ABI_SAME(GRND_RANDOM), ABI_SAME(GRND_INSECURE),

    // auxvec.h
    ABI_SAME(AT_NULL), ABI_SAME(AT_PHDR), ABI_SAME(AT_PHENT), ABI_SAME(AT_PHNUM),
    ABI_SAME(AT_PAGESZ), ABI_SAME(AT_BASE), ABI_SAME(AT_FLAGS), ABI_SAME(AT_ENTRY),
    ABI_SAME(AT_UID), ABI_SAME(AT_EUID), ABI_SAME(AT_GID), ABI_SAME(AT_EGID), ABI_SAME(AT_PLATFORM),
    ABI_SAME(AT_HWCAP), ABI_SAME(AT_CLKTCK), ABI_SAME(AT_SECURE), ABI_SAME(AT_RANDOM),
    ABI_SAME(AT_HWCAP2), ABI_SAME(AT_EXECFN), ABI_SAME(AT_MINSIGSTKSZ),

    // utsname.h, sysinfo.h
    ABI_VALUE(kNEW_UTS_LEN, __NEW_UTS_LEN), ABI_SIZE(Utsname, struct new_utsname),
    ABI_FIELD(Utsname, sysname, struct new_utsname, sysname),
    ABI_FIELD(Utsname, nodename, struct new_utsname, nodename),
    ABI_FIELD(Utsname, release, struct new_utsname, release),
    ABI_FIELD(Utsname, version, struct new_utsname, version),
    ABI_FIELD(Utsname, machine, struct new_utsname, machine),
    ABI_FIELD(Utsname, domainname, struct new_utsname, domainname),
    ABI_SIZE(Sysinfo, struct sysinfo), ABI_FIELD(Sysinfo, uptime, struct sysinfo, uptime),
    ABI_FIELD(Sysinfo, loads, struct sysinfo, loads),
    ABI_FIELD(Sysinfo, totalram, struct sysinfo, totalram),
    ABI_FIELD(Sysinfo, freeram, struct sysinfo, freeram),
    ABI_FIELD(Sysinfo, sharedram, struct sysinfo, sharedram),
    ABI_FIELD(Sysinfo, bufferram, struct sysinfo, bufferram),
    ABI_FIELD(Sysinfo, totalswap, struct sysinfo, totalswap),
    ABI_FIELD(Sysinfo, freeswap, struct sysinfo, freeswap),
    ABI_FIELD(Sysinfo, procs, struct sysinfo, procs),
    ABI_FIELD(Sysinfo, totalhigh, struct sysinfo, totalhigh),
    ABI_FIELD(Sysinfo, freehigh, struct sysinfo, freehigh),
    ABI_FIELD(Sysinfo, mem_unit, struct sysinfo, mem_unit),

    // unistd.h: every number of the list
#define SYSCALL(nr, name) ABI_VALUE(kNR_##name, __NR_##name),
#include "abi/linux/syscalls.h"
#undef SYSCALL
};
const size_t kUapiCheckCount = sizeof kUapiChecks / sizeof kUapiChecks[0];
