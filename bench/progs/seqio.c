/* Sequential file throughput on a mounted ext2 volume, timed inside the
 * guest so boot and mount do not count.
 *
 *   read:  DIR/in.bin (put there by the host, so nothing of it is cached
 *          yet) in 1 MiB reads to the end;
 *   write: DIR/out.bin, MIB MiB in 1 MiB writes, then fsync(): the time
 *          includes getting the data to the disk, so neither kernel's
 *          write-back cache decides the result.
 *
 * Prints "seqio: read_mibs=V" and "seqio: write_mibs=V" (MiB/s), which
 * bench/run parses.
 * Usage: seqio DIR MIB
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { CHUNK = 1 << 20 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "seqio: %s %s: ", what, path);
    perror(NULL);
    exit(1);
}

static double read_mibs(const char *path, char *buf)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open", path);
    long long total = 0;
    double t0 = now_s();
    for (;;) {
        ssize_t got = read(fd, buf, CHUNK);
        if (got < 0)
            die("read", path);
        if (got == 0)
            break;
        total += got;
    }
    double dt = now_s() - t0;
    close(fd);
    if (total == 0) {
        fprintf(stderr, "seqio: %s is empty\n", path);
        exit(1);
    }
    return (double)total / CHUNK / dt;
}

static double write_mibs(const char *path, char *buf, long mib)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open", path);
    double t0 = now_s();
    for (long i = 0; i < mib; i++) {
        buf[0] = (char)i;  /* not one page repeated: each MiB differs */
        if (write(fd, buf, CHUNK) != CHUNK)
            die("write", path);
    }
    if (fsync(fd) != 0)
        die("fsync", path);
    double dt = now_s() - t0;
    close(fd);
    return (double)mib / dt;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: seqio DIR MIB\n", stderr);
        return 2;
    }
    char *buf = malloc(CHUNK);
    if (!buf)
        return 1;
    memset(buf, 0x5a, CHUNK);
    char in[4096], out[4096];
    snprintf(in, sizeof in, "%s/in.bin", argv[1]);
    snprintf(out, sizeof out, "%s/out.bin", argv[1]);
    printf("seqio: read_mibs=%.1f\n", read_mibs(in, buf));
    printf("seqio: write_mibs=%.1f\n", write_mibs(out, buf, atol(argv[2])));
    return 0;
}
