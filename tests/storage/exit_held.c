/*
 * Exits while still holding files the volume no longer names: a mapping of
 * an unlinked file, and a working directory that was removed. Linux lets
 * them go at exit and the volume ends clean; so must kiln.
 *
 *   exit_held DIR
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: exit_held DIR\n");
        return 2;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/mapped", argv[1]);
    int fd = open(path, O_CREAT | O_RDWR, 0644);
    if (fd < 0 || write(fd, "mapped and unlinked\n", 20) != 20)
        return 1;
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return 1;
    close(fd);
    if (unlink(path) < 0)
        return 1;
    snprintf(path, sizeof path, "%s/gone", argv[1]);
    if (mkdir(path, 0755) < 0 || chdir(path) < 0 || rmdir(path) < 0)
        return 1;
    printf("still mapped: %.19s\n", m);
    return 0;
}
