/*
 * sendfile and copy_file_range against Linux: which descriptors each
 * takes (a regular file in; pipes, sockets, directories, O_APPEND, other
 * file systems refused with Linux's errno), offsets given or not (and
 * the file positions they leave alone), overlapping ranges of one file,
 * ends of files. Differential.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

#define A "/dev/shm/kiln-cfr-a"
#define B "/dev/shm/kiln-cfr-b"
#define OTHER_FS "/tmp/kiln-cfr-c"

static void show(int fd)
{
    char buf[128] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    printf("  contents [%.*s] position %ld\n", (int)(n < 0 ? 0 : n), buf, (long)lseek(fd, 0, SEEK_CUR));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int a = open(A, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int b = open(B, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK("write a", write(a, "0123456789", 10));
    lseek(a, 0, SEEK_SET);
    int p[2], s[2];
    pipe(p);
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);

    off_t off = 2;
    CHECK("sendfile a->b at 2, 3 bytes", sendfile(b, a, &off, 3));
    printf("  offset now %ld\n", (long)off);
    show(a);
    show(b);
    CHECK("sendfile a->b from the position", sendfile(b, a, NULL, 4));
    show(a);
    show(b);
    off = 8;
    CHECK("sendfile past the end", sendfile(b, a, &off, 100));
    off = 50;
    CHECK("sendfile from beyond the end", sendfile(b, a, &off, 100));
    CHECK("sendfile 0 bytes", sendfile(b, a, NULL, 0));
    off = 0;
    CHECK("sendfile a->pipe", sendfile(p[1], a, &off, 5));
    char buf[64];
    CHECK("  read the pipe", read(p[0], buf, sizeof buf));
    off = 0;
    CHECK("sendfile a->socket", sendfile(s[0], a, &off, 6));
    CHECK("  read the socket", read(s[1], buf, sizeof buf));
    write(p[1], "pipedata", 8);
    CHECK("sendfile pipe->b", sendfile(b, p[0], NULL, 4));
    off = 0;
    CHECK("sendfile pipe->b with an offset", sendfile(b, p[0], &off, 4));
    write(s[1], "sock", 4);
    CHECK("sendfile socket->b", sendfile(b, s[0], NULL, 4));
    int d = open("/dev/shm", O_RDONLY | O_DIRECTORY);
    CHECK("sendfile dir->b", sendfile(b, d, NULL, 4));
    int app = open(B, O_WRONLY | O_APPEND);
    CHECK("sendfile to O_APPEND", sendfile(app, a, NULL, 4));
    int ro = open(B, O_RDONLY);
    CHECK("sendfile to read-only", sendfile(ro, a, NULL, 4));
    int wo = open(A, O_WRONLY);
    CHECK("sendfile from write-only", sendfile(b, wo, NULL, 4));
    CHECK("sendfile bad fd", sendfile(b, 99, NULL, 4));

    ftruncate(b, 0);
    lseek(b, 0, SEEK_SET);
    lseek(a, 1, SEEK_SET);
    CHECK("cfr a->b from the positions", copy_file_range(a, NULL, b, NULL, 3, 0));
    show(a);
    show(b);
    loff_t in = 5, out = 20;
    CHECK("cfr at 5 to 20", copy_file_range(a, &in, b, &out, 4, 0));
    printf("  offsets %ld %ld\n", (long)in, (long)out);
    show(a);
    show(b);
    out = 0;
    CHECK("cfr from the position to 0", copy_file_range(a, NULL, b, &out, 2, 0));
    show(a);
    show(b);
    in = 8;
    CHECK("cfr past the end", copy_file_range(a, &in, b, NULL, 10, 0));
    in = 40;
    CHECK("cfr beyond the end", copy_file_range(a, &in, b, NULL, 10, 0));
    CHECK("cfr 0 bytes", copy_file_range(a, NULL, b, NULL, 0, 0));
    in = 0, out = 2;
    CHECK("cfr overlapping in one file", copy_file_range(a, &in, a, &out, 5, 0));
    in = 0, out = 12;
    CHECK("cfr disjoint in one file", copy_file_range(a, &in, a, &out, 5, 0));
    show(a);
    in = 8, out = 9;
    CHECK("cfr overlap, clamped at the end", copy_file_range(a, &in, a, &out, 5, 0));
    in = 16, out = 0;
    CHECK("cfr after the input's end, one file", copy_file_range(a, &in, a, &out, 5, 0));
    CHECK("cfr flags 1", copy_file_range(a, NULL, b, NULL, 3, 1));
    in = -1;
    CHECK("cfr negative offset", copy_file_range(a, &in, b, NULL, 3, 0));
    CHECK("cfr pipe in", copy_file_range(p[0], NULL, b, NULL, 3, 0));
    CHECK("cfr pipe out", copy_file_range(a, NULL, p[1], NULL, 3, 0));
    CHECK("cfr socket out", copy_file_range(a, NULL, s[0], NULL, 3, 0));
    CHECK("cfr dir in", copy_file_range(d, NULL, b, NULL, 3, 0));
    CHECK("cfr to O_APPEND", copy_file_range(a, NULL, app, NULL, 3, 0));
    CHECK("cfr to read-only", copy_file_range(a, NULL, ro, NULL, 3, 0));
    CHECK("cfr from write-only", copy_file_range(wo, NULL, b, NULL, 3, 0));
    int c = open(OTHER_FS, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK("cfr to another file system", copy_file_range(a, NULL, c, NULL, 3, 0));
    CHECK("cfr bad fd", copy_file_range(99, NULL, b, NULL, 3, 0));
    unlink(A);
    unlink(B);
    unlink(OTHER_FS);
    puts("SUCCESS");
    return 0;
}
