/*
 * exit() while other threads are inside the file system, waiting for the
 * disk: the program must still end at once with its volumes synced and
 * clean, as on Linux (where the exit waits for the writes in flight).
 *
 *   exit_busy DIR
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

/* Writes and syncs its own file until the process ends. */
static void *writer(void *arg)
{
    char path[256];
    snprintf(path, sizeof path, "%s/w%d", dir, (int)(intptr_t)arg);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    static char chunk[64 * 1024];
    memset(chunk, 'w', sizeof chunk);
    for (int i = 0;; i++) {
        if (write(fd, chunk, sizeof chunk) < 0 || (i % 4 == 3 && fsync(fd) < 0)) {
            perror("writer");
            exit(1);
        }
        if (i % 64 == 63)
            ftruncate(fd, 0);  /* keep the file small: the volume never fills */
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: exit_busy DIR\n");
        return 2;
    }
    dir = argv[1];
    pthread_t t;
    for (int i = 0; i < 3; i++)
        pthread_create(&t, NULL, writer, (void *)(intptr_t)i);
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    printf("main: exiting with writers busy\n");
    fflush(stdout);
    exit(0);
}
