/*
 * splice, tee and vmsplice: file to pipe, pipe to file, pipe to pipe,
 * socket to pipe and back, offsets (and the positions they leave alone),
 * tee keeping the bytes, vmsplice both ways; SPLICE_F_NONBLOCK on a full
 * or empty pipe, end of file, and Linux's errno values. Differential.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

#define F "/dev/shm/kiln-splice"

static void drain(const char *label, int fd)
{
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    CHECK(label, n);
    if (n > 0)
        printf("  [%.*s]\n", (int)n, buf);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    int f = open(F, O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(f, "0123456789abcdef", 16);
    lseek(f, 4, SEEK_SET);
    int p[2], q[2], s[2];
    pipe(p);
    pipe(q);
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);

    CHECK("file->pipe from the position", splice(f, NULL, p[1], NULL, 3, 0));
    printf("  position %ld\n", (long)lseek(f, 0, SEEK_CUR));
    loff_t off = 10;
    CHECK("file->pipe at 10", splice(f, &off, p[1], NULL, 4, 0));
    printf("  offset %ld position %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
    off = 14;
    CHECK("file->pipe past the end", splice(f, &off, p[1], NULL, 100, 0));
    off = 100;
    CHECK("file->pipe at end of file", splice(f, &off, p[1], NULL, 100, 0));
    CHECK("tee p->q", tee(p[0], q[1], 100, 0));
    drain("q holds the tee'd bytes", q[0]);
    CHECK("pipe->pipe p->q 4", splice(p[0], NULL, q[1], NULL, 4, 0));
    drain("q", q[0]);
    off = 0;
    CHECK("pipe->file at 0", splice(p[0], NULL, f, &off, 100, 0));
    printf("  offset %ld position %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
    char buf[32] = {0};
    pread(f, buf, 16, 0);
    printf("  file [%.16s]\n", buf);
    CHECK("empty pipe, NONBLOCK", splice(p[0], NULL, f, NULL, 10, SPLICE_F_NONBLOCK));
    CHECK("tee from an empty pipe, NONBLOCK", tee(p[0], q[1], 10, SPLICE_F_NONBLOCK));

    write(s[1], "socket", 6);
    CHECK("socket->pipe", splice(s[0], NULL, p[1], NULL, 100, 0));
    CHECK("pipe->socket", splice(p[0], NULL, s[0], NULL, 100, 0));
    drain("the peer reads", s[1]);

    struct iovec iov[2] = {{"vm", 2}, {"splice", 6}};
    CHECK("vmsplice into the pipe", vmsplice(p[1], iov, 2, 0));
    char a[4] = {0}, b[10] = {0};
    struct iovec out[2] = {{a, 3}, {b, 10}};
    CHECK("vmsplice out of the pipe", vmsplice(p[0], out, 2, 0));
    printf("  [%s] [%s]\n", a, b);
    CHECK("vmsplice on a file", vmsplice(f, iov, 2, 0));
    CHECK("vmsplice bad flags", vmsplice(p[1], iov, 2, 0x10));
    CHECK("vmsplice 0 segments", vmsplice(p[1], iov, 0, 0));

    static char big[65536];
    CHECK("fill p", write(p[1], big, sizeof big));
    CHECK("file->full pipe, NONBLOCK", splice(f, NULL, p[1], NULL, 10, SPLICE_F_NONBLOCK));
    CHECK("vmsplice into a full pipe, NONBLOCK", vmsplice(p[1], iov, 1, SPLICE_F_NONBLOCK));
    CHECK("pipe->pipe into a full one, NONBLOCK", splice(q[0], NULL, p[1], NULL, 10, SPLICE_F_NONBLOCK));
    CHECK("pipe->pipe p->q, bounded by q's room", splice(p[0], NULL, q[1], NULL, 100000, 0) > 0);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    pipe(p);
    pipe(q);

    CHECK("neither a pipe", splice(f, NULL, s[0], NULL, 4, 0));
    off = 0;
    CHECK("offset on the pipe side", splice(f, NULL, p[1], &off, 4, 0));
    CHECK("offset on a socket", splice(s[0], &off, p[1], NULL, 4, SPLICE_F_NONBLOCK));
    CHECK("same pipe both ends", splice(p[0], NULL, p[1], NULL, 4, 0));
    CHECK("bad flags", splice(f, NULL, p[1], NULL, 4, 0x10));
    CHECK("read end as output", splice(f, NULL, p[0], NULL, 4, 0));
    CHECK("write end as input", splice(p[1], NULL, f, NULL, 4, 0));
    off = -1;
    CHECK("negative offset", splice(f, &off, p[1], NULL, 4, 0));
    CHECK("0 bytes", splice(f, NULL, p[1], NULL, 0, 0));
    CHECK("bad fd", splice(99, NULL, p[1], NULL, 4, 0));
    int app = open(F, O_WRONLY | O_APPEND);
    write(p[1], "x", 1);
    CHECK("pipe->O_APPEND file", splice(p[0], NULL, app, NULL, 4, 0));
    CHECK("tee file", tee(f, q[1], 4, 0));
    CHECK("tee same pipe", tee(p[0], p[1], 4, 0));
    close(p[1]);
    CHECK("empty pipe, no writer: end of file", splice(p[0], NULL, f, NULL, 10, 0));
    CHECK("tee from it", tee(p[0], q[1], 10, 0));
    int r[2];
    pipe(r);
    close(r[0]);
    CHECK("file->pipe without a reader", splice(f, NULL, r[1], NULL, 4, 0));
    unlink(F);
    puts("SUCCESS");
    return 0;
}
