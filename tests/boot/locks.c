/*
 * Advisory locks between processes: fcntl record locks (owned by the
 * process: not inherited by fork, gone when the holder closes any
 * descriptor of the file or exits; F_GETLK names the holder; F_SETLKW
 * waits and wakes; EDEADLK for two processes waiting on each other) and
 * flock (owned by the open file description: shared across fork, in
 * conflict between separate opens; independent of record locks).
 * Differential: identical output natively.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char path[64];
static int to_parent[2], to_child[2];

static int set_lock(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

static void show_lock(const char *label, int fd, short type, off_t start, off_t len, pid_t holder)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, F_GETLK, &fl) < 0) {
        CHECK(label, -1);
        return;
    }
    if (fl.l_type == F_UNLCK) {
        printf("%-44s unlocked\n", label);
        return;
    }
    printf("%-44s %s [%ld, +%ld) by %s\n", label, fl.l_type == F_WRLCK ? "write" : "read",
           (long)fl.l_start, (long)fl.l_len, fl.l_pid == holder ? "the holder" : "someone else");
}

/* One byte through a pipe: the other side has reached a point. */
static void signal_to(int p[2]) { (void)!write(p[1], "x", 1); }
static void wait_for(int p[2])
{
    char c;
    (void)!read(p[0], &c, 1);
}

static void reap(const char *what)
{
    int status;
    wait(&status);
    printf("%s: exited %d\n", what, WEXITSTATUS(status));
}

static void record_locks(void)
{
    printf("-- record locks\n");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    (void)!write(fd, "0123456789abcdefghij", 20);
    CHECK("parent F_SETLK write [0,10)", set_lock(fd, F_SETLK, F_WRLCK, 0, 10));
    CHECK("parent F_SETLK read [12,14)", set_lock(fd, F_SETLK, F_RDLCK, 12, 2));
    pid_t parent = getpid();
    if (fork() == 0) {
        CHECK("child F_SETLK write [0,10)", set_lock(fd, F_SETLK, F_WRLCK, 0, 10));
        CHECK("child F_SETLK read [9,11)", set_lock(fd, F_SETLK, F_RDLCK, 9, 2));
        CHECK("child F_SETLK read [12,13)", set_lock(fd, F_SETLK, F_RDLCK, 12, 1));
        CHECK("child F_SETLK write [13,14)", set_lock(fd, F_SETLK, F_WRLCK, 13, 1));
        CHECK("child F_SETLK write [10,12)", set_lock(fd, F_SETLK, F_WRLCK, 10, 2));
        show_lock("child F_GETLK write [0,100)", fd, F_WRLCK, 0, 100, parent);
        show_lock("child F_GETLK write [12,20)", fd, F_WRLCK, 12, 8, parent);
        show_lock("child F_GETLK read [12,20)", fd, F_RDLCK, 12, 8, parent);
        show_lock("child F_GETLK write [10,12): its own", fd, F_WRLCK, 10, 2, parent);
        signal_to(to_parent);
        int r = set_lock(fd, F_SETLKW, F_WRLCK, 0, 10);
        printf("child: F_SETLKW write [0,10) returned %d\n", r);
        show_lock("child F_GETLK write [0,100)", fd, F_WRLCK, 0, 100, parent);
        _exit(0);
    }
    wait_for(to_parent);
    usleep(200000);  /* the child is asleep in F_SETLKW by now */
    /* The woken child prints at once: the parent's results come after. */
    printf("parent: unlocking [0,10)\n");
    int unlocked = set_lock(fd, F_SETLK, F_UNLCK, 0, 10);
    reap("child");
    CHECK("parent F_SETLK unlock [0,10)", unlocked);
    CHECK("parent F_SETLK write [0,20) after exit", set_lock(fd, F_SETLK, F_WRLCK, 0, 20));

    /* Closing any descriptor of the file drops the process's locks. */
    int other = open(path, O_RDONLY);
    close(other);
    if (fork() == 0) {
        show_lock("child F_GETLK after the parent's close", fd, F_WRLCK, 0, 0, parent);
        _exit(0);
    }
    reap("child");

    /* A holder that exits wakes the waiter. */
    if (fork() == 0) {
        CHECK("child F_SETLK write [0,) ", set_lock(fd, F_SETLK, F_WRLCK, 0, 0));
        signal_to(to_parent);
        usleep(200000);
        printf("child: exiting with the lock\n");
        _exit(0);
    }
    wait_for(to_parent);
    CHECK("parent F_SETLKW write [5,6)", set_lock(fd, F_SETLKW, F_WRLCK, 5, 1));
    reap("child");

    /* Two processes waiting on each other. */
    CHECK("parent F_SETLK write [0,1)", set_lock(fd, F_SETLK, F_WRLCK, 0, 1));
    if (fork() == 0) {
        CHECK("child F_SETLK write [1,2)", set_lock(fd, F_SETLK, F_WRLCK, 1, 1));
        signal_to(to_parent);
        int r = set_lock(fd, F_SETLKW, F_WRLCK, 0, 1);
        printf("child: F_SETLKW write [0,1) returned %d\n", r);
        _exit(0);
    }
    wait_for(to_parent);
    usleep(200000);
    CHECK("parent F_SETLKW write [1,2): a deadlock", set_lock(fd, F_SETLKW, F_WRLCK, 1, 1));
    printf("parent: unlocking [0,1)\n");
    unlocked = set_lock(fd, F_SETLK, F_UNLCK, 0, 1);
    reap("child");
    CHECK("parent F_SETLK unlock [0,1)", unlocked);

    struct flock fl = {.l_type = F_UNLCK, .l_whence = SEEK_SET};
    CHECK("F_GETLK of F_UNLCK", fcntl(fd, F_GETLK, &fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = 7;
    CHECK("F_SETLK whence 7", fcntl(fd, F_SETLK, &fl));
    CHECK("F_SETLK before the start", set_lock(fd, F_SETLK, F_WRLCK, 2, -5));
    int ro = open(path, O_RDONLY);
    CHECK("F_SETLK write on O_RDONLY", set_lock(ro, F_SETLK, F_WRLCK, 0, 1));
    close(ro);
    close(fd);
}

static void flocks(void)
{
    printf("-- flock\n");
    int fd = open(path, O_RDWR);
    CHECK("parent LOCK_EX", flock(fd, LOCK_EX));
    if (fork() == 0) {
        CHECK("child LOCK_EX|LOCK_NB, same description", flock(fd, LOCK_EX | LOCK_NB));
        int mine = open(path, O_RDWR);
        CHECK("child LOCK_EX|LOCK_NB, own open", flock(mine, LOCK_EX | LOCK_NB));
        CHECK("child LOCK_SH|LOCK_NB, own open", flock(mine, LOCK_SH | LOCK_NB));
        CHECK("child fcntl F_SETLK meanwhile", set_lock(mine, F_SETLK, F_WRLCK, 0, 0));
        signal_to(to_parent);
        int r = flock(mine, LOCK_SH);
        printf("child: LOCK_SH returned %d\n", r);
        wait_for(to_child);
        _exit(0);
    }
    wait_for(to_parent);
    usleep(200000);
    printf("parent: LOCK_UN\n");
    int unlocked = flock(fd, LOCK_UN);
    usleep(200000);
    CHECK("parent LOCK_UN", unlocked);
    int second = open(path, O_RDONLY);
    CHECK("parent LOCK_SH|LOCK_NB, another open", flock(second, LOCK_SH | LOCK_NB));
    CHECK("parent LOCK_EX|LOCK_NB, first open", flock(fd, LOCK_EX | LOCK_NB));
    signal_to(to_child);
    reap("child");
    close(second);
    CHECK("parent LOCK_EX|LOCK_NB, the others closed", flock(fd, LOCK_EX | LOCK_NB));
    CHECK("flock 0", flock(fd, 0));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(path, sizeof path, "/tmp/kiln-locks-%d", (int)getpid());
    if (pipe(to_parent) || pipe(to_child))
        return 1;
    record_locks();
    flocks();
    unlink(path);
    return 0;
}
