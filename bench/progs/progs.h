/* What the benchmark programs share: the clock they time phases with,
 * console lines written at once, and failing with a message. Define
 * PROGRAM (the name messages start with) before including it. */
#ifndef KILN_BENCH_PROGS_H
#define KILN_BENCH_PROGS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One console line, written at once: stdio may buffer when stdout is not
 * a terminal, and the host times the moment each line arrives. */
static inline void say(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0 && write(1, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
        exit(1);
}

/* "PROGRAM: WHAT PATH: strerror", then exit 1. */
static inline void die(const char *what, const char *path)
{
    fprintf(stderr, PROGRAM ": %s %s: ", what, path);
    perror(NULL);
    exit(1);
}

#endif
