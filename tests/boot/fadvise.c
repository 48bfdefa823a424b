/*
 * posix_fadvise (fadvise64): every advice accepted on a file, the errors
 * Linux gives for a bad descriptor, a pipe, a negative length and an
 * unknown advice; the file reads the same afterwards. Differential.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

/* posix_fadvise returns the error instead of setting errno. */
static long raw(int fd, long off, long len, int advice)
{
    return syscall(SYS_fadvise64, fd, off, len, advice);
}

int main(void)
{
    int fd = open("/tmp/kiln-fadvise", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK("write", write(fd, "hello fadvise\n", 14));
    const char *names[] = {"NORMAL", "RANDOM", "SEQUENTIAL", "WILLNEED", "DONTNEED", "NOREUSE"};
    for (int a = 0; a <= 5; a++) {
        char label[64];
        snprintf(label, sizeof label, "advice %s", names[a]);
        CHECK(label, raw(fd, 0, 0, a));
    }
    CHECK("advice 6", raw(fd, 0, 0, 6));
    CHECK("advice -1", raw(fd, 0, 0, -1));
    CHECK("negative length", raw(fd, 0, -1, POSIX_FADV_NORMAL));
    CHECK("negative offset", raw(fd, -4096, 10, POSIX_FADV_NORMAL));
    CHECK("past the end", raw(fd, 1 << 30, 4096, POSIX_FADV_WILLNEED));
    CHECK("bad fd", raw(99, 0, 0, POSIX_FADV_NORMAL));
    CHECK("posix_fadvise returns the error", posix_fadvise(99, 0, 0, POSIX_FADV_NORMAL));
    int p[2];
    pipe(p);
    CHECK("pipe", raw(p[0], 0, 0, POSIX_FADV_NORMAL));
    CHECK("pipe, bad advice", raw(p[0], 0, 0, 42));
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK("directory", raw(dir, 0, 0, POSIX_FADV_DONTNEED));
    char buf[32];
    CHECK("read back after DONTNEED", pread(fd, buf, sizeof buf, 0));
    printf("%.14s", buf);
    unlink("/tmp/kiln-fadvise");
    puts("SUCCESS");
    return 0;
}
