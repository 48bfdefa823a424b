/*
 * Copy-on-write fork: after fork, parent and child share every private
 * page until one of them stores to it; each must see only its own stores,
 * whoever makes them -- the program, or the kernel on its behalf (read(),
 * pipe(), a signal frame). The last part keeps a dozen children with a
 * 4 MiB heap alive at once and forks 200 more: in a 32 MiB guest that only
 * fits if fork shares the heap instead of copying it.
 * Differential: the output is Linux's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEAP_BYTES (4 << 20)
#define LIVE_CHILDREN 12
#define SEQUENTIAL_FORKS 200

static int global_value = 1;
static int pipe_fds[2] = {-1, -1};
static char alt_stack[64 * 1024];
static volatile sig_atomic_t handled;

static void flush_and_exit(int status)
{
    fflush(stdout);
    _exit(status);
}

/* The child's exit status (128 + signal if killed). */
static int wait_status(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        exit(1);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static pid_t fork_flushed(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    return pid;
}

/* Each side stores to the heap, its stack, a global and a private file page. */
static void own_stores(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fork_cow.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "file-original", 13) != 13) {
        perror("file");
        exit(1);
    }
    char *file = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *heap = malloc(4096);
    volatile int stack_value = 7;
    if (file == MAP_FAILED || !heap) {
        perror("mmap/malloc");
        exit(1);
    }
    strcpy(heap, "heap-original");
    file[0] = 'F';  /* resident and private before fork */
    pid_t pid = fork_flushed();
    const char *who = pid == 0 ? "child" : "parent";
    if (pid == 0) {
        strcpy(heap, "heap-child");
        stack_value = 100;
        global_value = 200;
        memcpy(file, "file-child", 10);
    } else {
        wait_status(pid);  /* the child's stores are done: none may show here */
        strcpy(heap, "heap-parent");
        stack_value = 300;
        global_value = 400;
        memcpy(file, "file-parent", 11);
    }
    char on_disk[14] = {0};
    pread(fd, on_disk, 13, 0);
    printf("%s: %s %d %d %.11s disk=%s\n", who, heap, stack_value, global_value, file, on_disk);
    if (pid == 0) flush_and_exit(0);
    munmap(file, 4096);
    close(fd);
    unlink(path);
    free(heap);
}

/* A child that only reads sees the parent's bytes as they were at fork,
 * whatever the parent stores meanwhile. */
static void reading_child(void)
{
    char *buf = malloc(8192);
    memset(buf, 'r', 8192);
    global_value = 11;
    pid_t pid = fork_flushed();
    if (pid == 0) {
        long sum = 0;
        for (int i = 0; i < 8192; i++) sum += buf[i];
        printf("reader: sum %ld global %d\n", sum, global_value);
        flush_and_exit(0);
    }
    /* At once, before the child runs: the parent's TLB may still hold the
     * page as writable unless fork flushed it. */
    buf[0] = 'x';
    global_value = 12;
    wait_status(pid);
    printf("parent after reader: %c%c global %d\n", buf[0], buf[1], global_value);
    free(buf);
}

/* Fork of a fork: three generations share, then each stores. */
static void chain(void)
{
    int *cell = malloc(sizeof *cell);
    *cell = 1;
    pid_t child = fork_flushed();
    if (child == 0) {
        pid_t grandchild = fork_flushed();
        if (grandchild == 0) {
            *cell = 3;
            printf("grandchild: %d\n", *cell);
            flush_and_exit(0);
        }
        wait_status(grandchild);
        printf("child before store: %d\n", *cell);
        *cell = 2;
        printf("child: %d\n", *cell);
        flush_and_exit(0);
    }
    wait_status(child);
    printf("parent: %d\n", *cell);
    free(cell);
}

static void on_signal(int sig)
{
    handled = sig;
}

/* The kernel stores into copy-on-write pages: read(), pipe(), a signal frame. */
static void kernel_stores(void)
{
    static char read_target[4096] = "read-original";
    /* Every page the kernel will store to is the parent's before fork. */
    read_target[4095] = 0;
    pipe_fds[0] = pipe_fds[1] = -1;
    handled = 0;
    memset(alt_stack, 'a', sizeof alt_stack);
    int p[2];
    if (pipe(p) != 0) {
        perror("pipe");
        exit(1);
    }
    write(p[1], "from-pipe", 9);
    pid_t pid = fork_flushed();
    if (pid == 0) {
        ssize_t n = read(p[0], read_target, 9);
        if (pipe(pipe_fds) != 0) flush_and_exit(2);
        stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
        struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_ONSTACK};
        sigaltstack(&ss, NULL);
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        int frame_written = 0;
        for (size_t i = 0; i < sizeof alt_stack; i++) frame_written += alt_stack[i] != 'a';
        printf("child: read %zd '%.13s' pipe %s signal %d frame %s\n", n, read_target,
               pipe_fds[0] >= 0 && pipe_fds[1] > pipe_fds[0] ? "ok" : "bad", (int)handled,
               frame_written ? "on the alternate stack" : "missing");
        flush_and_exit(0);
    }
    wait_status(pid);
    int untouched = 1;
    for (size_t i = 0; i < sizeof alt_stack; i++) untouched &= alt_stack[i] == 'a';
    printf("parent: '%.13s' pipe %d %d signal %d alternate stack %s\n", read_target, pipe_fds[0],
           pipe_fds[1], (int)handled, untouched ? "untouched" : "changed");
    close(p[0]);
    close(p[1]);
}

/* The parent goes first; its orphan still owns a working copy. */
static void orphan(void)
{
    int *cell = malloc(4096);
    *cell = 5;
    int report[2];
    if (pipe(report) != 0) exit(1);
    pid_t middle = fork_flushed();
    if (middle == 0) {
        pid_t parent = getpid();
        if (fork_flushed() == 0) {
            close(report[0]);
            while (getppid() == parent) usleep(1000);  /* until it is gone */
            *cell += 1;
            char line[64];
            int n = snprintf(line, sizeof line, "orphan: %d\n", *cell);
            write(report[1], line, n);
            _exit(0);
        }
        *cell = 50;
        _exit(0);
    }
    close(report[1]);
    wait_status(middle);
    char line[64] = {0};
    ssize_t n = read(report[0], line, sizeof line - 1);
    printf("%.*s", (int)(n > 0 ? n : 0), line);
    printf("parent: %d\n", *cell);
    close(report[0]);
    free(cell);
}

static long heap_sum(const unsigned char *heap)
{
    long sum = 0;
    for (size_t i = 0; i < HEAP_BYTES; i += 4096) sum += heap[i] + heap[i + 4095];
    return sum;
}

/* Many forks of a process with a 4 MiB heap, a dozen of them alive at once. */
static void many(void)
{
    unsigned char *heap = malloc(HEAP_BYTES);
    for (size_t i = 0; i < HEAP_BYTES; i++) heap[i] = (unsigned char)(i * 7);
    long expected = heap_sum(heap);
    int gate[2];
    if (pipe(gate) != 0) exit(1);
    pid_t live[LIVE_CHILDREN];
    for (int i = 0; i < LIVE_CHILDREN; i++) {
        live[i] = fork_flushed();
        if (live[i] == 0) {
            close(gate[1]);
            heap[i * 4096] ^= 1;  /* one page of its own */
            char c;
            read(gate[0], &c, 1);  /* until the parent closes the gate */
            flush_and_exit(heap_sum(heap) == expected + ((heap[i * 4096] & 1) ? 1 : -1) ? 0 : 1);
        }
    }
    close(gate[0]);
    int bad = 0;
    for (int i = 0; i < SEQUENTIAL_FORKS; i++) {
        pid_t pid = fork_flushed();
        if (pid == 0) {
            heap[(i % 1024) * 4096] ^= 0x80;
            flush_and_exit(heap_sum(heap) == expected ? 1 : 0);
        }
        bad += wait_status(pid) != 0;
    }
    close(gate[1]);
    for (int i = 0; i < LIVE_CHILDREN; i++) bad += wait_status(live[i]) != 0;
    printf("many: %d forks, %d bad, parent heap %s\n", SEQUENTIAL_FORKS + LIVE_CHILDREN, bad,
           heap_sum(heap) == expected ? "intact" : "changed");
    free(heap);
}

int main(void)
{
    own_stores();
    reading_child();
    chain();
    kernel_stores();
    orphan();
    many();
    return 0;
}
