/*
 * close() of a descriptor another thread is blocked on: the blocked call
 * keeps its file until it returns (read on a pipe, poll, epoll_wait, flock,
 * accept and recv on AF_INET and AF_UNIX sockets), and the file goes only
 * then.
 * A thread blocks, the main thread closes its descriptor and then makes the
 * call's event happen through another file. Calls waiting on a socket they
 * do not hold (a datagram receiver, a listener's full backlog) when that
 * one closes. And a process that exits with a thread blocked in such a
 * call: the call's file goes with it.
 * Differential: identical output natively.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* The blocked call, run in a second thread: its result and errno, and the
 * byte it read, if any. */
enum op { OP_READ, OP_POLL, OP_EPOLL, OP_FLOCK, OP_ACCEPT, OP_RECV, OP_SEND, OP_CONNECT };
struct call {
    enum op op;
    int fd;
    struct sockaddr_storage addr;  /* OP_CONNECT's */
    socklen_t len;
    long result;
    int err;
    char byte;
    short revents;
};

static char datagram[16384];

static void *blocker(void *arg)
{
    struct call *c = arg;
    switch (c->op) {
    case OP_READ:
        c->result = read(c->fd, &c->byte, 1);
        break;
    case OP_POLL: {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        c->result = poll(&p, 1, -1);
        c->revents = p.revents;
        break;
    }
    case OP_EPOLL: {
        struct epoll_event ev;
        c->result = epoll_wait(c->fd, &ev, 1, -1);
        break;
    }
    case OP_FLOCK:
        c->result = flock(c->fd, LOCK_EX);
        break;
    case OP_ACCEPT: {
        int s = accept(c->fd, NULL, NULL);
        c->result = s < 0 ? -1 : 0;  /* descriptor numbers may differ natively */
        c->err = errno;
        /* A byte through the accepted connection, to show it is real. */
        if (s >= 0) {
            send(s, "a", 1, 0);
            close(s);
        }
        return NULL;
    }
    case OP_RECV:
        c->result = recv(c->fd, &c->byte, 1, 0);
        break;
    case OP_SEND:
        c->result = send(c->fd, datagram, sizeof datagram, 0);
        break;
    case OP_CONNECT: {
        int s = socket(c->addr.ss_family, SOCK_STREAM, 0);
        c->result = connect(s, (struct sockaddr *)&c->addr, c->len);
        c->err = errno;
        close(s);
        return NULL;
    }
    }
    c->err = errno;
    return NULL;
}

/* Starts the call and gives it time to block. */
static pthread_t start(struct call *c)
{
    pthread_t t;
    pthread_create(&t, NULL, blocker, c);
    sleep_ms(100);
    return t;
}

static void report(const char *what, pthread_t t, struct call *c)
{
    pthread_join(t, NULL);
    errno = c->err;
    CHECK(what, c->result);
    if (c->op == OP_READ || c->op == OP_RECV)
        printf("  the byte: %c\n", c->result == 1 ? c->byte : '-');
}

static void pipe_read(void)
{
    int p[2];
    pipe(p);
    struct call c = {.op = OP_READ, .fd = p[0]};
    pthread_t t = start(&c);
    CHECK("pipe: close the blocked read end", close(p[0]));
    CHECK("  the descriptor is gone", fcntl(p[0], F_GETFD));
    CHECK("  write while the read holds the end", write(p[1], "p", 1));
    report("  the read returns", t, &c);
    /* The read's reference was the last: now there is no reader. */
    signal(SIGPIPE, SIG_IGN);
    CHECK("  write once the read has returned", write(p[1], "p", 1));
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
}

static void pipe_poll(void)
{
    int p[2];
    pipe(p);
    struct call c = {.op = OP_POLL, .fd = p[0]};
    pthread_t t = start(&c);
    CHECK("poll: close the polled read end", close(p[0]));
    CHECK("  write while poll holds the end", write(p[1], "p", 1));
    report("  poll returns", t, &c);
    printf("  revents: %s\n", c.revents == POLLNVAL ? "POLLNVAL" : "other");
    close(p[1]);
}

static void epoll_wait_close(void)
{
    int p[2];
    pipe(p);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct call c = {.op = OP_EPOLL, .fd = ep};
    pthread_t t = start(&c);
    CHECK("epoll: close the waited-on epoll", close(ep));
    CHECK("  write to the watched pipe", write(p[1], "e", 1));
    report("  epoll_wait returns", t, &c);
    close(p[0]);
    close(p[1]);
}

static void flock_close(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/kiln-close-busy-%d", getpid());
    int holder = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    flock(holder, LOCK_EX);
    struct call c = {.op = OP_FLOCK, .fd = open(path, O_RDWR)};
    pthread_t t = start(&c);
    CHECK("flock: close the blocked descriptor", close(c.fd));
    CHECK("  the holder unlocks", flock(holder, LOCK_UN));
    report("  the blocked flock returns", t, &c);
    /* Its lock went with the file, once the call had returned. */
    int other = open(path, O_RDWR);
    CHECK("  another open file locks", flock(other, LOCK_EX | LOCK_NB));
    close(other);
    close(holder);
    unlink(path);
}

/* A socket bound to an address of its own: *a and *len. */
static int bound(int domain, int type, struct sockaddr_storage *a, socklen_t *len)
{
    int l = socket(domain, type, 0);
    memset(a, 0, sizeof *a);
    if (domain == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)a;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof *in;
    } else {
        struct sockaddr_un *un = (struct sockaddr_un *)a;
        un->sun_family = AF_UNIX;
        int n = snprintf(un->sun_path + 1, sizeof un->sun_path - 1, "kiln-close-busy-%d", getpid());
        *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    }
    bind(l, (struct sockaddr *)a, *len);
    if (domain == AF_INET)
        getsockname(l, (struct sockaddr *)a, len);
    return l;
}

static int listener(int domain, int backlog, struct sockaddr_storage *a, socklen_t *len)
{
    int l = bound(domain, SOCK_STREAM, a, len);
    listen(l, backlog);
    return l;
}

static void accept_close(int domain, const char *name)
{
    struct sockaddr_storage a;
    socklen_t len;
    int l = listener(domain, 4, &a, &len);
    struct call c = {.op = OP_ACCEPT, .fd = l};
    pthread_t t = start(&c);
    printf("%s accept:\n", name);
    CHECK("  close the blocked listener", close(l));
    int s = socket(domain, SOCK_STREAM, 0);
    CHECK("  connect while accept holds it", connect(s, (struct sockaddr *)&a, len));
    report("  accept returns a connection", t, &c);
    char b = '-';
    CHECK("  a byte from the accepted side", recv(s, &b, 1, 0));
    printf("  the byte: %c\n", b);
    close(s);
    /* accept's reference was the last: the listener is gone. */
    s = socket(domain, SOCK_STREAM, 0);
    CHECK("  connect once accept has returned", connect(s, (struct sockaddr *)&a, len));
    close(s);
}

/* A connected pair: s[0] accepted or made by socketpair, s[1] its peer. */
static void connected(int domain, int s[2])
{
    if (domain == AF_UNIX) {
        socketpair(AF_UNIX, SOCK_STREAM, 0, s);
        return;
    }
    struct sockaddr_storage a;
    socklen_t len;
    int l = listener(domain, 4, &a, &len);
    s[1] = socket(domain, SOCK_STREAM, 0);
    connect(s[1], (struct sockaddr *)&a, len);
    s[0] = accept(l, NULL, NULL);
    close(l);
}

static void recv_close(int domain, const char *name)
{
    int s[2];
    connected(domain, s);
    struct call c = {.op = OP_RECV, .fd = s[0]};
    pthread_t t = start(&c);
    printf("%s recv:\n", name);
    CHECK("  close the receiving socket", close(s[0]));
    CHECK("  the peer sends", send(s[1], "r", 1, 0));
    report("  recv returns", t, &c);
    /* recv's reference was the last: the peer sees the end of the stream. */
    char b;
    CHECK("  the peer reads once recv has returned", recv(s[1], &b, 1, 0));
    close(s[1]);
}

/* A call waiting on a socket it does not hold, which closes: a datagram
 * sender on its receiver's full queue, a connect on a full backlog. */
static void dgram_receiver_close(void)
{
    struct sockaddr_storage a;
    socklen_t len;
    int r = bound(AF_UNIX, SOCK_DGRAM, &a, &len);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    connect(s, (struct sockaddr *)&a, len);
    long sent;
    while ((sent = send(s, datagram, sizeof datagram, MSG_DONTWAIT)) > 0)
        ;
    printf("AF_UNIX datagrams, the receiver closes:\n");
    CHECK("  fill its queue", sent);
    struct call c = {.op = OP_SEND, .fd = s};
    pthread_t t = start(&c);
    CHECK("  close the receiver", close(r));
    report("  the blocked send returns", t, &c);
    close(s);
}

static void backlog_close(void)
{
    struct call c = {.op = OP_CONNECT};
    int l = listener(AF_UNIX, 0, &c.addr, &c.len);
    int first = socket(AF_UNIX, SOCK_STREAM, 0);
    int nb = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    printf("AF_UNIX connect, a full backlog:\n");
    CHECK("  connect to a backlog of 0", connect(first, (struct sockaddr *)&c.addr, c.len));
    CHECK("  non-blocking connect: full", connect(nb, (struct sockaddr *)&c.addr, c.len));
    pthread_t t = start(&c);
    int s = accept(l, NULL, NULL);
    CHECK("  accept makes room", s >= 0);
    report("  the blocked connect returns", t, &c);
    t = start(&c);
    CHECK("  close the listener", close(l));
    report("  the next blocked connect returns", t, &c);
    close(s);
    close(first);
    close(nb);
}

/* A process ends (exit_group) while its second thread is blocked in a read
 * on a pipe or a recv on a TCP socket: that call's file goes with it. */
static void exit_busy(enum op op)
{
    int s[2];
    if (op == OP_READ)
        pipe(s);
    else
        connected(AF_INET, s);
    pid_t child = fork();
    if (child == 0) {
        close(s[1]);
        struct call c = {.op = op, .fd = s[0]};
        start(&c);
        _exit(0);
    }
    close(s[0]);
    int status;
    waitpid(child, &status, 0);
    char b;
    signal(SIGPIPE, SIG_IGN);
    if (op == OP_READ) {
        printf("a process exits, blocked in read on a pipe:\n");
        CHECK("  write: no reader is left", write(s[1], "x", 1));
    } else {
        printf("a process exits, blocked in recv on AF_INET:\n");
        CHECK("  the peer reads: the end of the stream", recv(s[1], &b, 1, 0));
    }
    signal(SIGPIPE, SIG_DFL);
    close(s[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pipe_read();
    pipe_poll();
    epoll_wait_close();
    flock_close();
    accept_close(AF_INET, "AF_INET");
    accept_close(AF_UNIX, "AF_UNIX");
    recv_close(AF_INET, "AF_INET");
    recv_close(AF_UNIX, "AF_UNIX");
    dgram_receiver_close();
    backlog_close();
    exit_busy(OP_READ);
    exit_busy(OP_RECV);
    return 0;
}
