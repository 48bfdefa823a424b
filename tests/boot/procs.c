/*
 * Processes: fork (private memory, inherited descriptors, exit status
 * through wait), vfork + _exit, posix_spawn of this program, execve of
 * itself with new arguments, a pipe between parent and child, kill of a
 * child, a crashing child, SIGCHLD, wait errors. Differential: identical
 * output natively (kiln's own report of the crash aside).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t got_chld;
static void on_chld(int sig) { (void)sig; got_chld++; }

static void report(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d%s\n", what, WTERMSIG(status), WCOREDUMP(status) ? " (core)" : "");
    else
        printf("%s: status %#x\n", what, status);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("exec'd child: argv[2]=%s env KILN_T=%s ppid matches: %d\n", argv[2],
               getenv("KILN_T") ? getenv("KILN_T") : "(none)", getppid() == atoi(argv[3]));
        return 7;
    }
    if (argc > 1 && strcmp(argv[1], "cloexec") == 0) {
        printf("descriptor 3 after exec: %s\n", fcntl(3, F_GETFD) < 0 ? "closed" : "open");
        printf("descriptor 4 after exec: %s\n", fcntl(4, F_GETFD) < 0 ? "closed" : "open");
        return 0;
    }
    signal(SIGCHLD, on_chld);
    int shared = 1, r0;
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        shared = 2;
        printf("child: getppid is parent: %d, pid differs: %d\n", getppid() == me, getpid() != me);
        _exit(3);
    }
    int status;
    pid_t w = waitpid(pid, &status, 0);
    printf("waitpid returned the child: %d\n", w == pid);
    report("fork child", status);
    printf("parent's memory untouched: %d\n", shared);
    printf("SIGCHLD seen: %d\n", got_chld > 0);
    r0 = wait(&status);
    printf("wait with no children: %d %s\n", r0, strerrorname_np(errno));

    /* A pipe across fork. */
    int p[2];
    pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        const char msg[] = "through the pipe";
        write(p[1], msg, sizeof msg);
        _exit(0);
    }
    close(p[1]);
    char buf[64] = {0};
    ssize_t n = read(p[0], buf, sizeof buf);
    printf("parent read %zd: %s\n", n, buf);
    printf("then EOF: %zd\n", read(p[0], buf, sizeof buf));
    close(p[0]);
    waitpid(pid, &status, 0);
    report("pipe writer", status);

    /* vfork: the child shares memory until it exits. */
    volatile int touched = 0;
    pid = vfork();
    if (pid == 0) {
        touched = 42;
        _exit(5);
    }
    waitpid(pid, &status, 0);
    report("vfork child", status);
    printf("vfork child wrote shared memory: %d\n", touched);

    /* fork + execve of ourselves. */
    pid = fork();
    if (pid == 0) {
        char ppid[16];
        snprintf(ppid, sizeof ppid, "%d", getppid());
        char *args[] = {argv[0], "child", "hello", ppid, NULL};
        char *env[] = {"KILN_T=yes", NULL};
        execve("/proc/self/exe", args, env);
        printf("execve failed: %s\n", strerrorname_np(errno));
        _exit(127);
    }
    waitpid(pid, &status, 0);
    report("exec'd child", status);

    /* posix_spawn (clone with CLONE_VM|CLONE_VFORK in glibc). */
    char ppid[16];
    snprintf(ppid, sizeof ppid, "%d", getpid());
    char *sargs[] = {argv[0], "child", "spawned", ppid, NULL};
    int r = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, sargs, environ);
    waitpid(pid, &status, 0);  /* before printing: the child prints too */
    printf("posix_spawn: %d\n", r);
    report("spawned child", status);
    r = posix_spawn(&pid, "/nonexistent", NULL, NULL, sargs, environ);
    printf("posix_spawn of a missing file: %s\n", strerrorname_np(r));

    /* close-on-exec. */
    int keep = open("/proc/self/exe", O_RDONLY);
    int drop = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    dup2(keep, 3);
    dup2(drop, 4);
    fcntl(4, F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid == 0) {
        char *args[] = {argv[0], "cloexec", NULL};
        execv("/proc/self/exe", args);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    report("cloexec child", status);

    /* kill a sleeping child; a child that crashes. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    usleep(20000);
    printf("kill: %d\n", kill(pid, SIGTERM));
    waitpid(pid, &status, 0);
    report("killed child", status);
    pid = fork();
    if (pid == 0) {
        volatile int *volatile bad = (int *)8;
        *bad = 1;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    report("crashing child", status);
    r0 = kill(pid, 0);
    printf("kill of a reaped pid: %d %s\n", r0, strerrorname_np(errno));

    /* WNOHANG while the child waits for the parent, then a blocking wait. */
    int gate[2];
    pipe(gate);
    pid = fork();
    if (pid == 0) {
        close(gate[1]);
        read(gate[0], buf, 1);
        _exit(9);
    }
    close(gate[0]);
    printf("WNOHANG while running: %d\n", waitpid(pid, &status, WNOHANG));
    close(gate[1]);
    waitpid(pid, &status, 0);
    report("late child", status);
    r0 = waitpid(1, &status, 0);
    printf("waitpid of a non-child: %d %s\n", r0, strerrorname_np(errno));
    return 0;
}
