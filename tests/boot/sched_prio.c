/*
 * Priorities, scheduling policies, affinity, process groups: nice values
 * kept and inherited, the policies without a real-time class, Linux's
 * errno values for bad arguments and missing or foreign processes.
 * Differential (run as root; a child drops to uid 1000 for the checks of
 * an unprivileged caller). Real-time policies are not asked for: kiln has
 * none to give and refuses them (EPERM), where the host's root gets one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NOBODY 0x7fffffff /* a pid no process has */

/* glibc's getpriority returns the nice value; errno tells an error apart. */
static long nice_of(int which, int who)
{
    errno = 0;
    int n = getpriority(which, who);
    return n == -1 && errno ? -1 : n + 100; /* +100: never negative */
}

static void priorities(void)
{
    CHECK("getpriority self (+100)", nice_of(PRIO_PROCESS, 0));
    CHECK("raw getpriority self (20 - nice)", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    CHECK("setpriority self 5", setpriority(PRIO_PROCESS, 0, 5));
    CHECK("getpriority self (+100)", nice_of(PRIO_PROCESS, 0));
    CHECK("getpriority by pid (+100)", nice_of(PRIO_PROCESS, getpid()));
    CHECK("getpriority own group (+100)", nice_of(PRIO_PGRP, 0));
    CHECK("setpriority 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
    CHECK("getpriority self (+100)", nice_of(PRIO_PROCESS, 0));
    CHECK("getpriority bad which", nice_of(7, 0));
    CHECK("setpriority bad which", setpriority(-1, 0, 0));
    CHECK("getpriority no such pid", nice_of(PRIO_PROCESS, NOBODY));
    CHECK("setpriority no such pid", setpriority(PRIO_PROCESS, NOBODY, 0));
    CHECK("getpriority no such user", nice_of(PRIO_USER, 54321));
    CHECK("setpriority 4 (root may lower)", setpriority(PRIO_PROCESS, 0, 4));

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        CHECK("child inherits nice (+100)", nice_of(PRIO_PROCESS, 0));
        CHECK("child setresuid 1000", setresuid(1000, 1000, 1000));
        CHECK("child setpriority 10", setpriority(PRIO_PROCESS, 0, 10));
        CHECK("child setpriority 9 (lower: EACCES)", setpriority(PRIO_PROCESS, 0, 9));
        CHECK("child setpriority of root parent", setpriority(PRIO_PROCESS, parent, 10));
        CHECK("child reads parent (+100)", nice_of(PRIO_PROCESS, parent));
        CHECK("child sched_setscheduler parent", sched_setscheduler(parent, SCHED_BATCH,
                                                           &(struct sched_param){0}));
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child status %d\n", status);
}

static void policies(void)
{
    struct sched_param sp = {0};
    CHECK("sched_getscheduler self", sched_getscheduler(0));
    CHECK("sched_getscheduler by pid", sched_getscheduler(getpid()));
    CHECK("sched_getscheduler -1", sched_getscheduler(-1));
    CHECK("sched_getscheduler no such pid", sched_getscheduler(NOBODY));
    sp.sched_priority = 7;
    CHECK("sched_getparam self", sched_getparam(0, &sp));
    printf("priority %d\n", sp.sched_priority);
    CHECK("sched_getparam NULL", syscall(SYS_sched_getparam, 0, NULL));
    CHECK("sched_getparam -1", sched_getparam(-1, &sp));
    CHECK("sched_getparam no such pid", sched_getparam(NOBODY, &sp));

    int pols[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, 4, 42, -1};
    for (unsigned i = 0; i < sizeof pols / sizeof *pols; i++) {
        char label[64];
        snprintf(label, sizeof label, "priority max of policy %d", pols[i]);
        CHECK(label, sched_get_priority_max(pols[i]));
        snprintf(label, sizeof label, "priority min of policy %d", pols[i]);
        CHECK(label, sched_get_priority_min(pols[i]));
    }

    sp.sched_priority = 0;
    CHECK("setscheduler BATCH", sched_setscheduler(0, SCHED_BATCH, &sp));
    CHECK("getscheduler", sched_getscheduler(0));
    pid_t pid = fork();
    if (pid == 0) {
        CHECK("child getscheduler (inherited)", sched_getscheduler(0));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    CHECK("setscheduler IDLE", sched_setscheduler(0, SCHED_IDLE, &sp));
    CHECK("getscheduler", sched_getscheduler(0));
    CHECK("setparam 0 (keeps IDLE)", sched_setparam(0, &sp));
    CHECK("getscheduler", sched_getscheduler(0));
    sp.sched_priority = 1;
    CHECK("setparam 1 on IDLE", sched_setparam(0, &sp));
    CHECK("setscheduler OTHER prio 1", sched_setscheduler(0, SCHED_OTHER, &sp));
    sp.sched_priority = 0;
    CHECK("setscheduler FIFO prio 0", sched_setscheduler(0, SCHED_FIFO, &sp));
    sp.sched_priority = 100;
    CHECK("setscheduler RR prio 100", sched_setscheduler(0, SCHED_RR, &sp));
    sp.sched_priority = 0;
    CHECK("setscheduler policy 42", sched_setscheduler(0, 42, &sp));
    CHECK("setscheduler policy -1", sched_setscheduler(0, -1, &sp));
    CHECK("setscheduler pid -1", sched_setscheduler(-1, SCHED_OTHER, &sp));
    CHECK("setscheduler no such pid", sched_setscheduler(NOBODY, SCHED_OTHER, &sp));
    CHECK("setscheduler NULL param", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL));
    CHECK("setscheduler OTHER|RESET_ON_FORK",
          sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp));
    CHECK("getscheduler", sched_getscheduler(0));
    CHECK("setscheduler OTHER", sched_setscheduler(0, SCHED_OTHER, &sp));
    CHECK("getscheduler", sched_getscheduler(0));

    struct timespec ts = {-1, -1};
    CHECK("sched_rr_get_interval self", sched_rr_get_interval(0, &ts));
    printf("interval is a time: %d\n", ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    CHECK("sched_rr_get_interval -1", sched_rr_get_interval(-1, &ts));
    CHECK("sched_rr_get_interval no such pid", sched_rr_get_interval(NOBODY, &ts));
}

static void affinity(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    long n = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    printf("getaffinity copied some bytes: %d\n", n > 0 && n % 8 == 0);
    printf("cpu 0 in the mask: %d\n", CPU_ISSET(0, &set));
    CHECK("getaffinity 4 bytes", syscall(SYS_sched_getaffinity, 0, 4, &set));
    CHECK("getaffinity 12 bytes", syscall(SYS_sched_getaffinity, 0, 12, &set));
    CHECK("getaffinity no such pid", sched_getaffinity(NOBODY, sizeof set, &set));
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    CHECK("setaffinity {0}", sched_setaffinity(0, sizeof set, &set));
    CHECK("setaffinity {0} by pid", sched_setaffinity(getpid(), sizeof set, &set));
    CHECK("setaffinity no such pid", sched_setaffinity(NOBODY, sizeof set, &set));
    CPU_ZERO(&set);
    CHECK("setaffinity {}", sched_setaffinity(0, sizeof set, &set));
    CHECK("getaffinity after", sched_getaffinity(0, sizeof set, &set));
    printf("only cpu 0: %d\n", CPU_ISSET(0, &set) && CPU_COUNT(&set) == 1);
}

static void groups(void)
{
    CHECK("leads its group", getpgrp() == getpid());
    CHECK("leads its session", getsid(0) == getpid());
    CHECK("getpgid(self pid) = pgrp", getpgid(getpid()) == getpgrp());
    CHECK("getpgid no such pid", getpgid(NOBODY));
    CHECK("getsid no such pid", getsid(NOBODY));
    CHECK("setsid as a session leader", setsid());
    CHECK("setpgid(0, 0) as a session leader", setpgid(0, 0));
    CHECK("setpgid no such pid", setpgid(NOBODY, 0));
    CHECK("setpgid negative group", setpgid(0, -5));
    int ready[2];
    pipe(ready);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        CHECK("child in the parent's group", getpgrp() == parent);
        CHECK("child in the parent's session", getsid(0) == parent);
        CHECK("child setpgid(0, 0)", setpgid(0, 0));
        CHECK("child now leads a group", getpgrp() == getpid());
        CHECK("child setsid as a group leader", setsid());
        CHECK("child setpgid back to the parent's", setpgid(0, parent));
        CHECK("child setpgid to no group", setpgid(0, NOBODY));
        CHECK("child setpgid of its parent", setpgid(parent, 0));
        fflush(stdout);
        close(ready[1]);
        _exit(0);
    }
    close(ready[1]);
    char c;
    (void)read(ready[0], &c, 1);
    waitpid(pid, NULL, 0);
    pid = fork();
    if (pid == 0) {
        CHECK("second child setsid", setsid() == getpid());
        CHECK("second child leads its session", getsid(0) == getpid());
        CHECK("and its group", getpgrp() == getpid());
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    CHECK("parent setpgid(child, child)", setpgid(pid, pid));
    CHECK("getpgid(child) = child", getpgid(pid) == pid);
    CHECK("parent setpgid(child, own group)", setpgid(pid, 0) == 0 && getpgid(pid) == pid);
    CHECK("parent setpgid(child, parent)", setpgid(pid, parent));
    CHECK("getpgid(child) = parent", getpgid(pid) == parent);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    priorities();
    policies();
    affinity();
    groups();
    puts("SUCCESS");
    return 0;
}
