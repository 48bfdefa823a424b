/*
 * Thousands of short-lived threads, one after another, in a small guest:
 * every exited thread's kernel stack and state must be freed (a thread
 * starting right after another one died once kept the dead one forever,
 * and a server with a thread per connection ran out of memory).
 * Differential: identical output natively.
 */
#include <pthread.h>
#include <stdio.h>

static void *work(void *arg) { return (void *)((long)arg * 2); }

int main(void)
{
    long sum = 0;
    int failed = 0;
    /* In pairs: the second thread's first run comes right after the
       first one's exit. */
    for (long i = 0; i < 6000; i += 2) {
        pthread_t t[2];
        void *r;
        if (pthread_create(&t[0], NULL, work, (void *)i) != 0 ||
            pthread_create(&t[1], NULL, work, (void *)(i + 1)) != 0) {
            failed++;
            break;
        }
        for (int k = 0; k < 2; k++) {
            pthread_join(t[k], &r);
            sum += (long)r;
        }
    }
    printf("threads: sum %ld, failures %d\n", sum, failed);
    return failed;
}
