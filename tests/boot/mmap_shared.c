/*
 * MAP_SHARED: stores through a writable file mapping are seen by read(),
 * by a second mapping of the file and by the file once unmapped; write()
 * is seen by the mappings; msync and its errors; a page wholly past the
 * end of the file (after ftruncate) is SIGBUS; MAP_SHARED|MAP_ANONYMOUS
 * and shared file mappings are shared with a child after fork, private
 * ones are not. The files live in DIR (argv[1], default /tmp), so the
 * storage suite runs it on ext2 too ("keep" as argv[2] leaves the last
 * file there). Differential: identical natively.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static char path[256];
static sigjmp_buf recover;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)ctx;
    bus_code = si->si_code;
    siglongjmp(recover, 1);
}

/* Reads one byte at p, reporting SIGBUS instead of dying. */
static void probe(const char *label, volatile const char *p)
{
    bus_code = 0;
    if (sigsetjmp(recover, 1) == 0) {
        char c = *p;
        printf("%-44s byte %d\n", label, c);
    } else {
        printf("%-44s SIGBUS, si_code %s\n", label, bus_code == BUS_ADRERR ? "BUS_ADRERR" : "other");
    }
}

static void show_file(const char *label, int fd, off_t off, size_t n)
{
    char buf[64] = "";
    ssize_t r = pread(fd, buf, n, off);
    printf("%-44s %zd \"%.*s\"\n", label, r, r > 0 ? (int)r : 0, buf);
}

static void *map(int fd, size_t len, int prot)
{
    void *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void file_mappings(void)
{
    printf("-- a shared file mapping\n");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char block[PAGE];
    memset(block, '.', sizeof block);
    for (int i = 0; i < 2; i++)
        (void)!write(fd, block, sizeof block);
    (void)!write(fd, "tail", 4);  /* 8196 bytes: three pages, the last one partly */
    char *a = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE);
    CHECK("mmap shared writable", a ? 0 : -1);
    memcpy(a, "through a", 9);
    memcpy(a + PAGE + 100, "second page", 11);
    memcpy(a + 2 * PAGE, "TAIL", 4);
    show_file("read() sees the store", fd, 0, 9);
    show_file("read() sees the store, page 2", fd, PAGE + 100, 11);
    show_file("read() at the end", fd, 2 * PAGE, 16);
    CHECK("pwrite", pwrite(fd, "WRITTEN", 7, 20));
    printf("%-44s \"%.7s\"\n", "the mapping sees write()", a + 20);

    int fd2 = open(path, O_RDWR);
    char *b = map(fd2, 2 * PAGE, PROT_READ | PROT_WRITE);
    char *r = map(fd2, PAGE, PROT_READ);
    printf("%-44s \"%.9s\"\n", "a second mapping sees the first", b);
    memcpy(b + 40, "from b", 6);
    printf("%-44s \"%.6s\" \"%.6s\"\n", "the first and a read-only one see it", a + 40, r + 40);
    CHECK("msync MS_SYNC", msync(a, 3 * PAGE, MS_SYNC));
    CHECK("fsync", fsync(fd));
    CHECK("pread into the clean mapping", pread(fd, a + 300, 9, 0));
    show_file("read() sees what pread stored", fd, 300, 9);
    CHECK("msync MS_ASYNC", msync(b, PAGE, MS_ASYNC));
    CHECK("msync MS_INVALIDATE", msync(b, PAGE, MS_INVALIDATE));
    CHECK("msync unaligned", msync(a + 1, PAGE, MS_SYNC));
    CHECK("msync MS_SYNC|MS_ASYNC", msync(a, PAGE, MS_SYNC | MS_ASYNC));
    CHECK("msync flag 8", msync(a, PAGE, 8));
    CHECK("mprotect read-only, then writable", mprotect(b, PAGE, PROT_READ) | mprotect(b, PAGE, PROT_READ | PROT_WRITE));
    b[60] = '!';
    show_file("a store after mprotect", fd, 60, 1);
    munmap(r, PAGE);
    CHECK("msync of an unmapped page", msync(r, PAGE, MS_SYNC));
    munmap(b, 2 * PAGE);
    close(fd2);

    /* The mapping outlives its descriptor; munmap leaves the bytes in the file. */
    close(fd);
    memcpy(a + 200, "after close", 11);
    CHECK("munmap", munmap(a, 3 * PAGE));
    fd = open(path, O_RDONLY);
    show_file("reopened: the stores are in the file", fd, 200, 11);
    show_file("reopened: first bytes", fd, 0, 9);
    close(fd);
}

static void truncation(void)
{
    printf("-- ftruncate under a mapping\n");
    struct sigaction sa = {.sa_sigaction = on_bus, .sa_flags = SA_SIGINFO};
    sigaction(SIGBUS, &sa, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("ftruncate 3 pages", ftruncate(fd, 3 * PAGE));
    char *a = map(fd, 4 * PAGE, PROT_READ | PROT_WRITE);
    memset(a, 'x', 3 * PAGE);
    probe("page 2", a + 2 * PAGE);
    probe("page 3, past the end", a + 3 * PAGE);
    CHECK("ftruncate 1 page + 10", ftruncate(fd, PAGE + 10));
    probe("page 1, partly kept", a + PAGE + 5);
    probe("page 1 past the end, in the kept page", a + PAGE + 100);
    probe("page 2, gone", a + 2 * PAGE);
    CHECK("ftruncate 3 pages again", ftruncate(fd, 3 * PAGE));
    probe("page 2, back as zeros", a + 2 * PAGE);
    probe("page 1 past the old end, zero", a + PAGE + 100);
    show_file("read() page 1", fd, PAGE + 8, 4);
    munmap(a, 4 * PAGE);
    close(fd);
    signal(SIGBUS, SIG_DFL);
}

static void across_fork(void)
{
    printf("-- fork\n");
    char *shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *private = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(shared, "parent");
    strcpy(private, "parent");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("ftruncate", ftruncate(fd, PAGE));
    char *file = map(fd, PAGE, PROT_READ | PROT_WRITE);
    strcpy(file, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        printf("child sees \"%s\" \"%s\" \"%s\"\n", shared, private, file);
        strcpy(shared, "child");
        strcpy(shared + PAGE, "child's second page");
        strcpy(private, "child");
        strcpy(file, "child");
        /* A mapping of its own, not inherited: the same page all the same. */
        int own = open(path, O_RDWR);
        char *mine = map(own, PAGE, PROT_READ | PROT_WRITE);
        strcpy(mine + 100, "child's own mapping");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent sees shared \"%s\" \"%s\"\n", shared, shared + PAGE);
    printf("parent sees private \"%s\"\n", private);
    printf("parent sees the file mapping \"%s\" \"%s\"\n", file, file + 100);
    show_file("and read()", fd, 0, 5);
    munmap(file, PAGE);

    /* The only mapping goes with its process: the stores reach the file. */
    if (fork() == 0) {
        char *last = map(open(path, O_RDWR), PAGE, PROT_READ | PROT_WRITE);
        memcpy(last + 200, "stored, then exit", 17);
        _exit(0);
    }
    wait(&status);
    show_file("a child's stores after its exit", fd, 200, 17);
    munmap(shared, 2 * PAGE);
    munmap(private, PAGE);
    close(fd);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(path, sizeof path, "%s/kiln-mmap-shared", argc > 1 ? argv[1] : "/tmp");
    file_mappings();
    truncation();
    across_fork();
    if (argc < 3 || strcmp(argv[2], "keep") != 0)
        unlink(path);
    return 0;
}
