/*
 * Non-blocking, edge-triggered epoll echo server for
 * tests/network/epoll_echo.py: one thread serves every connection on
 * [::]:PORT, echoing each byte back on the connection it came from, and
 * buffers what the peer is not yet ready to take. A connection on PORT+1
 * that sends "quit" ends the server once every echo connection has closed;
 * it then prints what it served.
 */
#include <fcntl.h>
#include <sys/epoll.h>

#include "net_util.h"

#define MAX_FDS 1024

struct conn {
    char *pending; /* received, not yet echoed */
    size_t len, cap;
    int eof;       /* the peer finished sending */
    int open;
};

static struct conn conns[MAX_FDS];
static int epfd, open_conns, max_open, served, quitting;
static unsigned long echoed;

static void watch(int fd)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        die("epoll_ctl add %d", fd);
}

static void drop(int fd)
{
    free(conns[fd].pending);
    memset(&conns[fd], 0, sizeof conns[fd]);
    close(fd); /* also leaves the epoll set */
    open_conns--;
}

static void accept_all(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EAGAIN)
                return;
            die("accept4");
        }
        if (fd >= MAX_FDS) {
            fprintf(stderr, "epoll_echo: fd %d out of range\n", fd);
            exit(1);
        }
        conns[fd].open = 1;
        if (++open_conns > max_open)
            max_open = open_conns;
        served++;
        watch(fd);
    }
}

/* Edge-triggered: read until EAGAIN, then write until EAGAIN or done. */
static void serve(int fd)
{
    struct conn *c = &conns[fd];
    char buf[16384];
    while (!c->eof) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EAGAIN)
                break;
            die("read fd %d", fd);
        }
        if (n == 0) {
            c->eof = 1;
            break;
        }
        if (c->len + (size_t)n > c->cap) {
            c->cap = (c->len + (size_t)n) * 2;
            c->pending = realloc(c->pending, c->cap);
            if (!c->pending)
                die("realloc");
        }
        memcpy(c->pending + c->len, buf, (size_t)n);
        c->len += (size_t)n;
    }
    size_t off = 0;
    while (off < c->len) {
        ssize_t w = send(fd, c->pending + off, c->len - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN)
                break;
            die("send fd %d", fd);
        }
        off += (size_t)w;
    }
    echoed += off;
    memmove(c->pending, c->pending + off, c->len - off);
    c->len -= off;
    if (c->eof && c->len == 0)
        drop(fd);
}

static void control(int cfd)
{
    char cmd[16];
    ssize_t n = recv(cfd, cmd, sizeof cmd, MSG_WAITALL);
    if (n >= 4 && memcmp(cmd, "quit", 4) == 0)
        quitting = 1;
    else
        fprintf(stderr, "epoll_echo: unknown command (%zd bytes)\n", n);
    close(cfd);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: epoll_echo PORT\n");
        return 2;
    }
    unsigned short port = port_arg(argv[1]);
    int lfd = listen_any(port), ctl = listen_any((unsigned short)(port + 1));
    if (fcntl(lfd, F_SETFL, O_NONBLOCK) < 0)
        die("fcntl");
    epfd = epoll_create1(0);
    if (epfd < 0)
        die("epoll_create1");
    watch(lfd);
    struct epoll_event cev = {.events = EPOLLIN, .data.fd = ctl};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, ctl, &cev) < 0)
        die("epoll_ctl control");
    printf("epoll_echo: ready\n");
    fflush(stdout);
    static struct epoll_event evs[256];
    while (!quitting || open_conns > 0) {
        int n = epoll_wait(epfd, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd)
                accept_all(lfd);
            else if (fd == ctl) {
                int cfd = accept(ctl, NULL, NULL);
                if (cfd < 0)
                    die("accept control");
                control(cfd);
            } else if (conns[fd].open)
                serve(fd);
        }
    }
    printf("epoll_echo: served %d connections, at most %d at once, echoed %lu bytes\n", served, max_open, echoed);
    return 0;
}
