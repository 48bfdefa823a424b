/* Sequential file throughput on a mounted ext2 volume, timed inside the
 * guest so boot and mount do not count.
 *
 *   read:  DIR/in.bin (put there by the host, so nothing of it is cached
 *          yet) in 1 MiB reads to the end;
 *   write: DIR/out.bin, MIB MiB in 1 MiB writes, then fsync(): the time
 *          includes getting the data to the disk, so neither kernel's
 *          write-back cache decides the result.
 *
 * Each phase is framed by console lines
 *   seqio: begin NAME
 *   seqio: end NAME mib=M guest_ns=T tsc=C
 * T is the phase by the guest kernel's clock, C by the raw time-stamp
 * counter, which under QEMU TCG is the host's: bench/run converts C with
 * the host's TSC rate (no guest calibration involved) and keeps T and the
 * host-observed time between the two lines as checks.
 * Usage: seqio DIR MIB
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define PROGRAM "seqio"
#include "progs.h"

enum { CHUNK = 1 << 20 };

/* Reads PATH to the end; returns the MiB read, *seconds the guest's time. */
static double read_all(const char *path, char *buf, double *seconds)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open", path);
    long long total = 0;
    double t0 = now_ns() / 1e9;
    for (;;) {
        ssize_t got = read(fd, buf, CHUNK);
        if (got < 0)
            die("read", path);
        if (got == 0)
            break;
        total += got;
    }
    *seconds = now_ns() / 1e9 - t0;
    close(fd);
    if (total == 0) {
        fprintf(stderr, "seqio: %s is empty\n", path);
        exit(1);
    }
    return (double)total / CHUNK;
}

/* Writes MIB MiB to PATH and fsyncs it; returns the guest's seconds. */
static double write_all(const char *path, char *buf, long mib)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open", path);
    double t0 = now_ns() / 1e9;
    for (long i = 0; i < mib; i++) {
        buf[0] = (char)i;  /* not one page repeated: each MiB differs */
        if (write(fd, buf, CHUNK) != CHUNK)
            die("write", path);
    }
    if (fsync(fd) != 0)
        die("fsync", path);
    double seconds = now_ns() / 1e9 - t0;
    close(fd);
    return seconds;
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
    long mib = atol(argv[2]);
    double seconds;

    say("seqio: begin read\n");
    unsigned long long c0 = __rdtsc();
    double got = read_all(in, buf, &seconds);
    unsigned long long c1 = __rdtsc();
    say("seqio: end read mib=%.0f guest_ns=%.0f tsc=%llu\n", got, seconds * 1e9, c1 - c0);
    say("seqio: begin write\n");
    c0 = __rdtsc();
    seconds = write_all(out, buf, mib);
    c1 = __rdtsc();
    say("seqio: end write mib=%ld guest_ns=%.0f tsc=%llu\n", mib, seconds * 1e9, c1 - c0);
    return 0;
}
