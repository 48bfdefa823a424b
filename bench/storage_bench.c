/*
 * File-system throughput in one directory, for bench/storage.sh:
 *
 *   storage_bench write DIR MIB   sequential 1 MiB writes, then fsync
 *   storage_bench read DIR        sequential 1 MiB reads of what write made
 *   storage_bench small DIR N     N files: create+write 100 B+close, stat, unlink
 *
 * Each prints "NAME VALUE UNIT" lines. write drops the file from Linux's
 * page cache (posix_fadvise) so a later read comes from the disk, as it
 * does in a fresh kiln boot.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB (1 << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void seq_write(const char *dir, int mib)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seq.bin", dir);
    char *buf = malloc(MIB);
    memset(buf, 0x5a, MIB);
    double t0 = now();
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        die("open");
    for (int i = 0; i < mib; i++)
        if (write(fd, buf, MIB) != MIB)
            die("write");
    if (fsync(fd) < 0)
        die("fsync");
    double t = now() - t0;
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    printf("seq_write %.1f MiB/s\n", mib / t);
}

static void seq_read(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seq.bin", dir);
    char *buf = malloc(MIB);
    double t0 = now();
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open");
    long total = 0, r;
    while ((r = read(fd, buf, MIB)) > 0)
        total += r;
    close(fd);
    double t = now() - t0;
    printf("seq_read %.1f MiB/s\n", (double)total / MIB / t);
}

static void small_files(const char *dir, int n)
{
    char path[512];
    static const char text[100] = "small file";
    double t0 = now();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/s%05d", dir, i);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0 || write(fd, text, sizeof text) != sizeof text)
            die("create");
        close(fd);
    }
    double t1 = now();
    struct stat st;
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/s%05d", dir, i);
        if (stat(path, &st) < 0)
            die("stat");
    }
    double t2 = now();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/s%05d", dir, i);
        if (unlink(path) < 0)
            die("unlink");
    }
    sync();
    double t3 = now();
    printf("create %.0f files/s\nstat %.0f files/s\nunlink %.0f files/s\n", n / (t1 - t0),
           n / (t2 - t1), n / (t3 - t2));
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "write") == 0)
        seq_write(argv[2], atoi(argv[3]));
    else if (argc == 3 && strcmp(argv[1], "read") == 0)
        seq_read(argv[2]);
    else if (argc == 4 && strcmp(argv[1], "small") == 0)
        small_files(argv[2], atoi(argv[3]));
    else {
        fprintf(stderr, "usage: storage_bench write DIR MIB | read DIR | small DIR N\n");
        return 2;
    }
    return 0;
}
