/* Cost of a trapped system call and of a pipe round trip, measured inside
 * the guest so the emulator's start-up does not count.
 *
 *   getppid: a syscall that does no work in either kernel (Linux keeps no
 *            vDSO shortcut for it), so the time is entry + exit.
 *   pipe:    4 bytes to a second thread and 4 bytes back over two pipes:
 *            two blocking reads, two wake-ups, two context switches.
 *
 * Each is run in ROUNDS rounds. Every round is framed by console lines
 *   syscost: begin NAME
 *   syscost: end NAME ops=N guest_ns=T tsc=C
 * T is the round by the guest kernel's clock, C by the raw time-stamp
 * counter, which under QEMU TCG is the host's and needs no guest kernel to
 * be calibrated right: bench/run converts C with the host's TSC rate and
 * reports that, keeping T and the host-observed time between the two
 * lines as checks.
 * Usage: syscost [GETPPID_ITERATIONS [PIPE_ITERATIONS]]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define PROGRAM "syscost"
#include "progs.h"

enum { ROUNDS = 5 };

/* syscall() rather than getppid(): no libc may answer from a cache. */
static double getppid_round(long iterations)
{
    double t0 = now_ns();
    for (long i = 0; i < iterations; i++)
        syscall(SYS_getppid);
    return (now_ns() - t0) / (double)iterations;
}

struct echo_pipes {
    int to_echo[2];
    int from_echo[2];
    long iterations;
};

static void read_all(int fd, char *buf, size_t n)
{
    while (n > 0) {
        ssize_t got = read(fd, buf, n);
        if (got <= 0) {
            perror("syscost: read");
            exit(1);
        }
        buf += got;
        n -= (size_t)got;
    }
}

static void write_all(int fd, const char *buf, size_t n)
{
    if (write(fd, buf, n) != (ssize_t)n) {
        perror("syscost: write");
        exit(1);
    }
}

static void *echo_thread(void *arg)
{
    struct echo_pipes *p = arg;
    char word[4];
    for (long i = 0; i < p->iterations; i++) {
        read_all(p->to_echo[0], word, sizeof word);
        write_all(p->from_echo[1], word, sizeof word);
    }
    return NULL;
}

static double pipe_round(long iterations)
{
    struct echo_pipes p = { .iterations = iterations };
    if (pipe(p.to_echo) != 0 || pipe(p.from_echo) != 0) {
        perror("syscost: pipe");
        exit(1);
    }
    pthread_t echo;
    if (pthread_create(&echo, NULL, echo_thread, &p) != 0) {
        fputs("syscost: pthread_create failed\n", stderr);
        exit(1);
    }
    char word[4] = { 'p', 'i', 'n', 'g' };
    double t0 = now_ns();
    for (long i = 0; i < iterations; i++) {
        write_all(p.to_echo[1], word, sizeof word);
        read_all(p.from_echo[0], word, sizeof word);
    }
    double per_trip = (now_ns() - t0) / (double)iterations;
    pthread_join(echo, NULL);
    close(p.to_echo[0]);
    close(p.to_echo[1]);
    close(p.from_echo[0]);
    close(p.from_echo[1]);
    return per_trip;
}

int main(int argc, char **argv)
{
    long getppid_iterations = argc > 1 ? atol(argv[1]) : 200000;
    long pipe_iterations = argc > 2 ? atol(argv[2]) : 5000;
    for (int r = 0; r < ROUNDS; r++) {
        say("syscost: begin getppid\n");
        unsigned long long c0 = __rdtsc();
        double g = getppid_round(getppid_iterations);
        unsigned long long c1 = __rdtsc();
        say("syscost: end getppid ops=%ld guest_ns=%.0f tsc=%llu\n", getppid_iterations,
            g * (double)getppid_iterations, c1 - c0);
        say("syscost: begin pipe_rtt\n");
        c0 = __rdtsc();
        double p = pipe_round(pipe_iterations);
        c1 = __rdtsc();
        say("syscost: end pipe_rtt ops=%ld guest_ns=%.0f tsc=%llu\n", pipe_iterations,
            p * (double)pipe_iterations, c1 - c0);
    }
    return 0;
}
