/*
 * Makes one file durable by one means, says so, then waits to be killed:
 * whatever the host finds on the disk image afterwards got there through
 * that call, not through the kernel's sync at exit.
 *
 *   sync_app fsync|fdatasync|sync|syncfs|o_sync|o_dsync FILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: sync_app MODE FILE\n");
        return 2;
    }
    const char *mode = argv[1];
    int flags = O_CREAT | O_WRONLY;
    if (strcmp(mode, "o_sync") == 0)
        flags |= O_SYNC;
    if (strcmp(mode, "o_dsync") == 0)
        flags |= O_DSYNC;
    int fd = open(argv[2], flags, 0644);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    char text[64];
    int n = snprintf(text, sizeof text, "made durable by %s\n", mode);
    if (write(fd, text, (size_t)n) != n) {
        perror("write");
        return 1;
    }
    int r = 0;
    if (strcmp(mode, "fsync") == 0)
        r = fsync(fd);
    else if (strcmp(mode, "fdatasync") == 0)
        r = fdatasync(fd);
    else if (strcmp(mode, "sync") == 0)
        sync();
    else if (strcmp(mode, "syncfs") == 0)
        r = syncfs(fd);
    if (r < 0) {
        perror(mode);
        return 1;
    }
    printf("synced by %s\n", mode);
    fflush(stdout);
    for (;;)
        pause();
}
