/*
 * nanosleep(200 ms) measured with CLOCK_MONOTONIC must take between 200 ms
 * and 220 ms (never less, at most 10% more).
 */
#include <stdio.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    const long long want = 200LL * 1000 * 1000;
    struct timespec ts = {0, (long)want};
    long long start = now_ns();
    int rc = nanosleep(&ts, NULL);
    long long took = now_ns() - start;
    if (rc != 0) {
        perror("nanosleep");
        return 1;
    }
    if (took < want || took > want + want / 10) {
        printf("nanosleep(200 ms) took %lld.%06lld ms\n", took / 1000000, took % 1000000);
        return 1;
    }
    puts("OK");
    return 0;
}
