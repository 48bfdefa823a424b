/*
 * alarm and setitimer deliver SIGALRM; user and group ids follow Linux's
 * rules when a root program drops privileges. Differential (run as root).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"



static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

int main(void)
{
    signal(SIGALRM, on_alarm);
    CHECK("alarm(5), none pending", alarm(5));
    CHECK("alarm(0) returns about 5", alarm(0));
    struct itimerval it = {{0, 20000}, {0, 30000}}, old;
    CHECK("setitimer 30 ms then every 20 ms", setitimer(ITIMER_REAL, &it, NULL));
    while (alarms < 3)
        pause();
    it = (struct itimerval){{0, 0}, {0, 0}};
    CHECK("setitimer off", setitimer(ITIMER_REAL, &it, &old));
    printf("old interval %ld us\n", (long)old.it_interval.tv_usec);
    printf("three SIGALRMs arrived: %d\n", alarms >= 3);
    CHECK("getitimer while off", getitimer(ITIMER_REAL, &old));
    printf("value now %ld.%06ld\n", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);
    CHECK("setitimer bad which", setitimer(99, &it, NULL));

    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("start as %u/%u/%u\n", r, e, s);
    gid_t groups[] = {10, 20};
    CHECK("setgroups", setgroups(2, groups));
    CHECK("getgroups", getgroups(0, NULL));
    CHECK("setresgid 100", setresgid(100, 100, 100));
    CHECK("setreuid(-1, 1000)", setreuid(-1, 1000));
    getresuid(&r, &e, &s);
    printf("now %u/%u/%u euid %u\n", r, e, s, geteuid());
    CHECK("setuid(0) back (saved is 1000)", setuid(0));
    CHECK("setresuid(0,0,0) as 1000", setresuid(0, 0, 0));
    CHECK("setresuid(-1, 0, -1) (real is 0)", setresuid(-1, 0, -1));
    CHECK("setuid(65534) as root drops all", setuid(65534));
    getresuid(&r, &e, &s);
    printf("dropped to %u/%u/%u\n", r, e, s);
    CHECK("setuid(0) now", setuid(0));
    CHECK("setgroups unprivileged", setgroups(0, NULL));
    CHECK("getgid", getgid());
    return 0;
}
