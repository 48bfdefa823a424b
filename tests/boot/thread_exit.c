/*
 * exit() called by a second thread while main is blocked in pthread_join ends
 * the whole program with that status (exit_group), running atexit handlers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void at_exit(void) { puts("atexit handler ran"); }

static void *worker(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    puts("worker calls exit(3)");
    exit(3);
}

int main(void)
{
    atexit(at_exit);
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    puts("main waits in pthread_join");
    fflush(stdout);
    pthread_join(t, NULL);
    puts("join returned: wrong");
    return 1;
}
