/*
 * pidfd_open and pidfd_send_signal: a descriptor for a process, readable
 * once it has ended, close-on-exec; signals through it, ESRCH once the
 * process is gone; waitid(P_PIDFD); the errno values for bad flags, pids
 * and descriptors. Also kill(0, ...) and kill(-pgid, ...) reaching a
 * process group. Differential.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PIDFD_NONBLOCK O_NONBLOCK
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static int send(int fd, int sig, void *info, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

static int readable(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, 0);
    return n < 0 ? -1 : n ? p.revents : 0;
}

static pid_t sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK("pidfd_open 0", pidfd_open(0, 0));
    CHECK("pidfd_open -1", pidfd_open(-1, 0));
    CHECK("pidfd_open no such pid", pidfd_open(0x7ffffff0, 0));
    CHECK("pidfd_open bad flags", pidfd_open(getpid(), 1));

    int self = pidfd_open(getpid(), 0);
    CHECK("pidfd_open self", self >= 0);
    CHECK("  close-on-exec", fcntl(self, F_GETFD));
    CHECK("  F_GETFL", fcntl(self, F_GETFL));
    CHECK("  not readable: running", readable(self));
    char buf[8];
    CHECK("  read", read(self, buf, sizeof buf));
    CHECK("signal 0 to self", send(self, 0, NULL, 0));
    signal(SIGUSR1, on_usr1);
    CHECK("SIGUSR1 to self", send(self, SIGUSR1, NULL, 0));
    printf("  handler saw %d\n", got);
    CHECK("bad flags", send(self, 0, NULL, 8));
    CHECK("two flags", send(self, 0, NULL, 3));
    CHECK("PIDFD_SIGNAL_THREAD", send(self, 0, NULL, 1));
    CHECK("PIDFD_SIGNAL_PROCESS_GROUP", send(self, 0, NULL, 4));
    CHECK("signal 99", send(self, 99, NULL, 0));
    CHECK("bad fd", send(99, 0, NULL, 0));
    CHECK("not a pidfd", send(1, 0, NULL, 0));
    close(self);

    pid_t child = sleeper();
    int fd = pidfd_open(child, 0);
    CHECK("pidfd_open child", fd >= 0);
    CHECK("  not readable: running", readable(fd));
    siginfo_t si = {0};
    CHECK("waitid P_PIDFD WNOHANG", waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG));
    printf("  pid-is-0 %d\n", si.si_pid == 0);
    CHECK("SIGTERM through it", send(fd, SIGTERM, NULL, 0));
    struct pollfd p = {fd, POLLIN, 0};
    CHECK("poll until it ends", poll(&p, 1, 5000));
    printf("  revents %#x\n", p.revents);
    CHECK("signal 0 to a zombie", send(fd, 0, NULL, 0));
    CHECK("waitid P_PIDFD", waitid(P_PIDFD, fd, &si, WEXITED));
    printf("  code %d status %d pid-is-child %d\n", si.si_code, si.si_status, si.si_pid == child);
    CHECK("  readable once reaped", readable(fd));
    CHECK("signal once reaped", send(fd, 0, NULL, 0));
    CHECK("waitid again", waitid(P_PIDFD, fd, &si, WEXITED));
    CHECK("waitid P_PIDFD not a pidfd", waitid(P_PIDFD, 1, &si, WEXITED));
    CHECK("waitid P_PIDFD bad fd", waitid(P_PIDFD, 99, &si, WEXITED));
    close(fd);

    child = sleeper();
    fd = pidfd_open(child, PIDFD_NONBLOCK);
    CHECK("pidfd_open PIDFD_NONBLOCK", fd >= 0);
    CHECK("  F_GETFL", fcntl(fd, F_GETFL));
    CHECK("waitid on it, running", waitid(P_PIDFD, fd, &si, WEXITED));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(fd);

    /* kill() on process groups */
    pid_t a = sleeper(), b = sleeper();
    setpgid(b, b);
    signal(SIGUSR1, SIG_IGN);
    CHECK("kill(0, SIGUSR1), ignored here", kill(0, SIGUSR1));
    int status;
    CHECK("kill(-b, SIGTERM)", kill(-b, SIGTERM));
    CHECK("b ended", waitpid(b, &status, 0) == b);
    printf("  signalled %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));
    CHECK("a still runs", waitpid(a, &status, WNOHANG));
    CHECK("kill(0, SIGTERM) takes a too", kill(a, 0) == 0 && (signal(SIGTERM, SIG_IGN), kill(0, SIGTERM)) == 0);
    CHECK("a ended", waitpid(a, &status, 0) == a);
    printf("  signalled %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));
    CHECK("kill(-b) now", kill(-b, 0));
    CHECK("kill(INT_MIN)", kill(-2147483647 - 1, 0));
    puts("SUCCESS");
    return 0;
}
