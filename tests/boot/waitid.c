/*
 * waitid: P_PID, P_ALL and P_PGID; WEXITED, WNOHANG, WNOWAIT and
 * WSTOPPED; the siginfo it fills (signo, code, pid, uid, status), the
 * errno values for bad arguments and for nobody to wait for; wait4's
 * group forms (0 and -pgid) on the same groups. Differential.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static pid_t child_exiting(int code)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(code);
    return pid;
}

/* A child that waits for `fd` to close (or a signal), then exits 3. */
static pid_t child_waiting(int fd, int own_group)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        for (int other = 3; other < 32; other++) /* the write ends too */
            if (other != fd)
                close(other);
        char c;
        (void)read(fd, &c, 1);
        _exit(3);
    }
    if (own_group)
        setpgid(pid, pid); /* either may win the race; both set the same */
    return pid;
}

static void show(const char *label, long r, const siginfo_t *si, pid_t expect)
{
    CHECK(label, r);
    printf("  signo %d code %d pid-is-expected %d uid %u status %d\n", si->si_signo,
           si->si_code, si->si_pid == expect, (unsigned)si->si_uid, si->si_status);
}

static siginfo_t garbage(void)
{
    siginfo_t si;
    memset(&si, 0x5a, sizeof si);
    return si;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    siginfo_t si = garbage();
    CHECK("no children, P_ALL", waitid(P_ALL, 0, &si, WEXITED));
    CHECK("no children, WNOHANG", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
    CHECK("no options", waitid(P_ALL, 0, &si, 0));
    CHECK("only WNOHANG", waitid(P_ALL, 0, &si, WNOHANG));
    CHECK("unknown option bit", waitid(P_ALL, 0, &si, WEXITED | 0x100));
    CHECK("idtype 7", waitid(7, 0, &si, WEXITED));
    CHECK("P_PID 0", waitid(P_PID, 0, &si, WEXITED));
    CHECK("P_PID -1", waitid(P_PID, (id_t)-1, &si, WEXITED));
    CHECK("P_PGID -1", waitid(P_PGID, (id_t)-1, &si, WEXITED));

    pid_t a = child_exiting(7);
    si = garbage();
    show("P_PID exit 7", waitid(P_PID, a, &si, WEXITED), &si, a);
    CHECK("again: reaped", waitid(P_PID, a, &si, WEXITED));

    a = child_exiting(0);
    si = garbage();
    show("P_ALL exit 0", waitid(P_ALL, 0, &si, WEXITED), &si, a);

    int p[2];
    pipe(p);
    a = child_waiting(p[0], 0);
    si = garbage();
    show("WNOHANG, child running", waitid(P_PID, a, &si, WEXITED | WNOHANG), &si, 0);
    si = garbage();
    show("WSTOPPED|WNOHANG, running", waitid(P_PID, a, &si, WSTOPPED | WNOHANG), &si, 0);
    CHECK("NULL infop, WNOHANG", waitid(P_PID, a, NULL, WEXITED | WNOHANG));
    kill(a, SIGTERM);
    si = garbage();
    show("WNOWAIT, killed by SIGTERM", waitid(P_PID, a, &si, WEXITED | WNOWAIT), &si, a);
    si = garbage();
    show("WNOWAIT again, still there", waitid(P_ALL, 0, &si, WEXITED | WNOWAIT), &si, a);
    int status = 0;
    CHECK("waitpid reaps it", waitpid(a, &status, 0) == a);
    printf("  WIFSIGNALED %d WTERMSIG %d\n", WIFSIGNALED(status), WTERMSIG(status));
    CHECK("then nobody", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));

    a = fork();
    if (a == 0) {
        setresuid(1000, 1000, 1000);
        _exit(42);
    }
    si = garbage();
    show("uid 1000, exit 42", waitid(P_PID, a, &si, WEXITED), &si, a);

    a = child_exiting(9);
    CHECK("NULL infop reaps", waitid(P_PID, a, NULL, WEXITED));
    CHECK("so it is gone", waitid(P_PID, a, &si, WEXITED));

    /* Groups: b in its own group, c in ours. */
    int q[2];
    pipe(q);
    pid_t b = child_waiting(p[0], 1);
    pid_t c = child_waiting(q[0], 0);
    CHECK("b leads its group", getpgid(b) == b);
    CHECK("c is in ours", getpgid(c) == getpgrp());
    si = garbage();
    show("P_PGID b, WNOHANG", waitid(P_PGID, b, &si, WEXITED | WNOHANG), &si, 0);
    CHECK("P_PGID of nobody", waitid(P_PGID, 0x7ffffff0, &si, WEXITED | WNOHANG));
    CHECK("wait4(-b) WNOHANG", wait4(-b, &status, WNOHANG, NULL));
    CHECK("wait4(-nobody)", wait4(-0x7ffffff0, &status, WNOHANG, NULL));
    close(p[1]); /* b exits */
    si = garbage();
    show("P_PGID 0 (ours): c only, WNOHANG", waitid(P_PGID, 0, &si, WEXITED | WNOHANG), &si, 0);
    si = garbage();
    show("P_PGID b", waitid(P_PGID, b, &si, WEXITED), &si, b);
    close(q[1]); /* c exits */
    CHECK("wait4(0) takes c from our group", wait4(0, &status, 0, NULL) == c);
    printf("  WEXITSTATUS %d\n", WEXITSTATUS(status));

    pipe(p);
    b = child_waiting(p[0], 1);
    close(p[1]);
    CHECK("wait4(0): b is in another group", wait4(0, &status, 0, NULL));
    CHECK("wait4(-b) takes b", wait4(-b, &status, 0, NULL) == b);

    puts("SUCCESS");
    return 0;
}
