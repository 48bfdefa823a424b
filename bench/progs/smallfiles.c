/* Small-file operations on a mounted volume, timed inside the guest:
 *
 *   create: N files of 4 KiB in one new directory (open O_CREAT, write,
 *           close), then sync(), so the time includes reaching the disk;
 *   stat:   stat() of each, just created, so from the kernel's caches;
 *   unlink: unlink() of each, then sync().
 *
 * Each phase is framed by console lines
 *   smallfiles: begin NAME
 *   smallfiles: end NAME files=N guest_ns=T tsc=C
 * T is the phase by the guest kernel's clock, C by the raw time-stamp
 * counter, which under QEMU TCG is the host's: bench/run converts C with
 * the host's TSC rate (see docs/benchmarks.md) and keeps T as a check.
 * Usage: smallfiles DIR N
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define PROGRAM "smallfiles"
#include "progs.h"

enum { FILE_BYTES = 4096 };

static const char *dir;
static char data[FILE_BYTES];

static void path_of(long i, char *out, size_t size)
{
    snprintf(out, size, "%s/small/f%06ld", dir, i);
}

static void create_one(long i)
{
    char path[4096];
    path_of(i, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        die("open", path);
    if (write(fd, data, sizeof data) != (ssize_t)sizeof data)
        die("write", path);
    if (close(fd) != 0)
        die("close", path);
}

static void stat_one(long i)
{
    char path[4096];
    struct stat st;
    path_of(i, path, sizeof path);
    if (stat(path, &st) != 0 || st.st_size != FILE_BYTES)
        die("stat", path);
}

static void unlink_one(long i)
{
    char path[4096];
    path_of(i, path, sizeof path);
    if (unlink(path) != 0)
        die("unlink", path);
}

/* Runs op on every file, then sync() when asked, framed for bench/run. */
static void phase(const char *name, void (*op)(long), long n, int then_sync)
{
    say("smallfiles: begin %s\n", name);
    unsigned long long c0 = __rdtsc();
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        op(i);
    if (then_sync)
        sync();
    double t = now_ns() - t0;
    unsigned long long c = __rdtsc() - c0;
    say("smallfiles: end %s files=%ld guest_ns=%.0f tsc=%llu\n", name, n, t, c);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: smallfiles DIR N\n", stderr);
        return 2;
    }
    dir = argv[1];
    long n = atol(argv[2]);
    memset(data, 'k', sizeof data);
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/small", dir);
    if (mkdir(sub, 0755) != 0)
        die("mkdir", sub);
    phase("create", create_one, n, 1);
    phase("stat", stat_one, n, 0);
    phase("unlink", unlink_one, n, 1);
    return 0;
}
