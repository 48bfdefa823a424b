/*
 * A thread spinning in user code forever must not starve main: the kernel's
 * timer tick has to preempt it.  main sleeps 100 ms five times, then exits 0,
 * which ends the spinning thread too (exit_group).
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static volatile unsigned long spins;

static void *spin(void *arg)
{
    (void)arg;
    for (;;)
        spins++;
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, spin, NULL) != 0) {
        puts("pthread_create failed");
        return 1;
    }
    for (int i = 1; i <= 5; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        while (nanosleep(&ts, &ts) != 0) {
        }
        printf("tick %d\n", i);
        fflush(stdout);
    }
    if (spins == 0) {
        puts("the spinning thread never ran");
        return 1;
    }
    puts("done");
    return 0;
}
