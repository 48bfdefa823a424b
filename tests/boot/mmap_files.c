/*
 * mmap of regular files: private copies, shared read-only mappings, pages
 * past the end, partial unmapping, and the errors Linux gives. Differential.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"



static long ok(void *p) { return p == MAP_FAILED ? -1 : 0; }

int main(void)
{
    const char *path = "/tmp/kiln-mmap-test";
    unlink(path);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    char page[4096];
    for (int i = 0; i < 3; i++) {
        memset(page, 'a' + i, sizeof page);
        write(fd, page, sizeof page);
    }
    write(fd, "tail", 4);  /* 3 pages + 4 bytes */

    char *p = mmap(NULL, 16384, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK("mmap private read", ok(p));
    printf("bytes: %c %c %c %.4s, past EOF in the last page: %d\n", p[0], p[4096], p[8192],
           p + 12288, p[12292] == 0 && p[16383] == 0);
    CHECK("munmap", munmap(p, 16384));

    p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
    CHECK("mmap private rw at offset 4096", ok(p));
    printf("first byte %c\n", p[0]);
    p[0] = 'X';
    char c;
    pread(fd, &c, 1, 4096);
    printf("private write stays private: mapping %c, file %c\n", p[0], c);
    CHECK("munmap half", munmap(p, 4096));
    printf("second page still there: %c\n", p[4096]);
    munmap(p + 4096, 4096);

    int ro = open(path, O_RDONLY);
    char *s = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 8192);
    CHECK("mmap shared read-only", ok(s));
    printf("shared byte %c\n", s[0]);
    CHECK("mprotect shared to write (O_RDONLY)", mprotect(s, 4096, PROT_READ | PROT_WRITE));
    munmap(s, 4096);
    CHECK("mmap shared writable on O_RDONLY", ok(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0)));
    CHECK("mmap private writable on O_RDONLY", ok(p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0)));
    munmap(p, 4096);
    CHECK("mmap unaligned offset", ok(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 100)));
    int wo = open(path, O_WRONLY);
    CHECK("mmap O_WRONLY file", ok(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wo, 0)));
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK("mmap a directory", ok(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dir, 0)));
    int pipes[2];
    pipe(pipes);
    CHECK("mmap a pipe", ok(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, pipes[0], 0)));
    CHECK("mmap a closed fd", ok(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0)));

    int z = open("/dev/zero", O_RDWR);
    char *zp = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    CHECK("mmap /dev/zero", ok(zp));
    zp[8191] = 1;
    printf("/dev/zero mapping: %d %d\n", zp[0], zp[8191]);

    p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 0);
    char *q = mremap(p, 4096, 12288, MREMAP_MAYMOVE);
    CHECK("mremap a file mapping", ok(q));
    printf("after mremap: %c\n", q[0]);
    close(fd);
    close(ro);
    printf("mapping outlives close: %c\n", q[0]);
    unlink(path);
    printf("and unlink: %c\n", q[0]);
    return 0;
}
