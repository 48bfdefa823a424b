/*
 * Several threads on one ext2 volume at once. kiln's kernel is cooperative,
 * but a thread that waits for the disk lets another run, and that one may
 * enter the same file system: the volume's sleeping lock must keep them
 * apart. Each thread writes its own files (more than the 4 MiB block cache
 * holds, so writes wait for the disk), fsyncs now and then, reads another
 * thread's files back and moves its own into a shared directory.
 *
 *   threads DIR
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THREADS 4
#define FILES 40
#define FILE_BYTES (64 * 1024)

static const char *dir;
static pthread_barrier_t written;
static int errors[THREADS];

static void fill(int t, int i, uint8_t *buf)
{
    uint32_t x = (uint32_t)(t * 1000 + i) * 2654435761u + 1;
    for (size_t k = 0; k < FILE_BYTES; k++) {
        x = x * 1103515245u + 12345u;
        buf[k] = (uint8_t)(x >> 16);
    }
}

static int check_file(const char *path, int t, int i, uint8_t *want, uint8_t *got)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, got, FILE_BYTES + 1);
    close(fd);
    fill(t, i, want);
    return n == FILE_BYTES && memcmp(want, got, FILE_BYTES) == 0 ? 0 : -1;
}

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    uint8_t *buf = malloc(FILE_BYTES), *got = malloc(FILE_BYTES + 1);
    char path[256], to[256];
    snprintf(path, sizeof path, "%s/t%d", dir, t);
    if (mkdir(path, 0755) < 0)
        errors[t]++;
    for (int i = 0; i < FILES; i++) {
        snprintf(path, sizeof path, "%s/t%d/f%02d", dir, t, i);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        fill(t, i, buf);
        if (fd < 0 || write(fd, buf, FILE_BYTES) != FILE_BYTES)
            errors[t]++;
        if (i % 10 == 9 && fsync(fd) < 0)
            errors[t]++;
        close(fd);
    }
    pthread_barrier_wait(&written);
    int other = (t + 1) % THREADS;
    for (int i = 0; i < FILES; i++) {
        snprintf(path, sizeof path, "%s/t%d/f%02d", dir, other, i);
        if (check_file(path, other, i, buf, got) < 0)
            errors[t]++;
    }
    pthread_barrier_wait(&written);
    for (int i = 0; i < FILES; i++) {
        snprintf(path, sizeof path, "%s/t%d/f%02d", dir, t, i);
        snprintf(to, sizeof to, "%s/shared/t%d-f%02d", dir, t, i);
        if (rename(path, to) < 0)
            errors[t]++;
    }
    snprintf(path, sizeof path, "%s/t%d", dir, t);
    if (rmdir(path) < 0)
        errors[t]++;
    free(buf);
    free(got);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: threads DIR\n");
        return 2;
    }
    dir = argv[1];
    char path[256];
    snprintf(path, sizeof path, "%s/shared", dir);
    if (mkdir(path, 0755) < 0) {
        printf("threads: mkdir %s: %s\n", path, strerror(errno));
        return 1;
    }
    pthread_barrier_init(&written, NULL, THREADS);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        printf("thread %d: %d errors\n", t, errors[t]);
    }
    DIR *d = opendir(path);
    int entries = 0, bad = 0;
    struct dirent *e;
    uint8_t *want = malloc(FILE_BYTES), *got = malloc(FILE_BYTES + 1);
    while ((e = readdir(d))) {
        int t, i;
        if (sscanf(e->d_name, "t%d-f%d", &t, &i) != 2)
            continue;
        entries++;
        char file[512];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        bad += check_file(file, t, i, want, got) < 0;
    }
    closedir(d);
    printf("shared: %d entries, %d bad\n", entries, bad);
    return 0;
}
