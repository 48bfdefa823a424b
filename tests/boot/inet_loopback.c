/*
 * TCP and UDP over the loopback interface (127.0.0.1 and ::1): blocking
 * and non-blocking connect, accept, a threaded bulk transfer checked byte
 * for byte, shutdown and EOF, epoll and poll on sockets, socket options
 * and the errors programs see. Differential: identical output natively.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

#define BULK (4u << 20)

static unsigned char pattern(uint32_t i) { return (unsigned char)(i * 2654435761u >> 24); }

static int bulk_fd;
static void *bulk_sender(void *arg)
{
    (void)arg;
    static unsigned char chunk[65536];
    uint32_t off = 0;
    while (off < BULK) {
        uint32_t n = sizeof chunk < BULK - off ? sizeof chunk : BULK - off;
        for (uint32_t i = 0; i < n; i++)
            chunk[i] = pattern(off + i);
        uint32_t sent = 0;
        while (sent < n) {
            ssize_t w = send(bulk_fd, chunk + sent, n - sent, 0);
            if (w <= 0)
                return (void *)1;
            sent += (uint32_t)w;
        }
        off += n;
    }
    shutdown(bulk_fd, SHUT_WR);
    return NULL;
}

static struct sockaddr_in loop4(uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static uint16_t port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                          : ((struct sockaddr_in *)&ss)->sin_port);
}

static void tcp4(void)
{
    char buf[256];
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    CHECK("setsockopt SO_REUSEADDR", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = loop4(0);
    CHECK("bind 127.0.0.1:0", bind(l, (struct sockaddr *)&a, sizeof a));
    printf("ephemeral port given: %d\n", port_of(l) != 0);
    CHECK("bind again", bind(l, (struct sockaddr *)&a, sizeof a));
    CHECK("listen", listen(l, 8));
    a = loop4(port_of(l));

    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    printf("non-blocking connect: %s\n", r == 0 ? "done" : errno == EINPROGRESS ? "in progress" : strerrorname_np(errno));
    struct pollfd pf = {c, POLLOUT, 0};
    CHECK("poll for connected", poll(&pf, 1, 5000));
    printf("revents: %#x\n", pf.revents);
    int err = -1;
    socklen_t len = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("SO_ERROR: %d\n", err);
    struct sockaddr_in peer;
    len = sizeof peer;
    int s = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    CHECK("accept4", s >= 0 ? 0 : -1);
    printf("peer: %s, same port as client: %d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port) == port_of(c));
    printf("cloexec: %d\n", fcntl(s, F_GETFD) & FD_CLOEXEC);
    CHECK("TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    int v = 0;
    len = sizeof v;
    getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    printf("TCP_NODELAY reads back: %d\n", v != 0);
    len = sizeof v;
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len);
    printf("SO_ACCEPTCONN: %d\n", v);
    len = sizeof v;
    getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len);
    printf("SO_TYPE: %d\n", v);

    CHECK("empty non-blocking recv", recv(c, buf, sizeof buf, 0));
    CHECK("send hello", send(s, "hello", 5, 0));
    pf.events = POLLIN;
    CHECK("poll for data", poll(&pf, 1, 5000));
    int avail = -1;
    ioctl(c, FIONREAD, &avail);
    printf("FIONREAD: %d\n", avail);
    CHECK("MSG_PEEK", recv(c, buf, sizeof buf, MSG_PEEK));
    CHECK("recv", recv(c, buf, sizeof buf, 0));
    printf("got: %.5s\n", buf);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = 5}, out[4];
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    CHECK("epoll nothing yet", epoll_wait(ep, out, 4, 0));
    send(s, "abc", 3, 0);
    CHECK("epoll data", epoll_wait(ep, out, 4, 5000));
    printf("events %#x data %u\n", out[0].events, out[0].data.u32);
    CHECK("epoll edge consumed", epoll_wait(ep, out, 4, 0));
    recv(c, buf, sizeof buf, 0);
    close(s);
    CHECK("epoll peer closed", epoll_wait(ep, out, 4, 5000));
    printf("events %#x\n", out[0].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP));
    CHECK("recv EOF", recv(c, buf, sizeof buf, 0));
    close(ep);
    close(c);

    /* A bulk transfer from another thread, checked byte for byte. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("blocking connect", connect(c, (struct sockaddr *)&a, sizeof a));
    s = accept(l, NULL, NULL);
    bulk_fd = s;
    pthread_t t;
    pthread_create(&t, NULL, bulk_sender, NULL);
    static unsigned char big[100000];
    uint32_t got = 0, bad = 0;
    ssize_t n;
    while ((n = recv(c, big, sizeof big, 0)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            bad += big[i] != pattern(got + (uint32_t)i);
        got += (uint32_t)n;
    }
    void *status;
    pthread_join(t, &status);
    printf("bulk: %u bytes, %u wrong, sender %s\n", got, bad, status ? "failed" : "ok");
    close(s);
    close(c);

    /* Nobody listening. */
    struct sockaddr_in closed = loop4(1);
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("connect to a closed port", connect(c, (struct sockaddr *)&closed, sizeof closed));
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("send before connect", send(c, "x", 1, MSG_NOSIGNAL));
    CHECK("getpeername before connect", getpeername(c, (struct sockaddr *)&peer, &len));
    close(c);
    close(l);
}

static void udp4(void)
{
    char buf[64];
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = loop4(0);
    CHECK("udp bind", bind(a, (struct sockaddr *)&any, sizeof any));
    struct sockaddr_in to = loop4(port_of(a));
    CHECK("sendto", sendto(b, "datagram", 8, 0, (struct sockaddr *)&to, sizeof to));
    CHECK("sendto empty", sendto(b, "", 0, 0, (struct sockaddr *)&to, sizeof to));
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    CHECK("recvfrom", recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &len));
    printf("from %s, sender's port: %d\n", inet_ntoa(from.sin_addr), ntohs(from.sin_port) == port_of(b));
    CHECK("recvfrom empty datagram", recvfrom(a, buf, sizeof buf, 0, NULL, NULL));
    sendto(b, "0123456789", 10, 0, (struct sockaddr *)&to, sizeof to);
    struct iovec iov = {buf, 4};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK("recvmsg truncated", recvmsg(a, &mh, 0));
    printf("MSG_TRUNC: %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
    CHECK("connect udp", connect(b, (struct sockaddr *)&to, sizeof to));
    CHECK("send connected", send(b, "x", 1, 0));
    CHECK("recv", recv(a, buf, sizeof buf, MSG_DONTWAIT));
    CHECK("recv nothing", recv(a, buf, sizeof buf, MSG_DONTWAIT));
    close(a);
    close(b);
}

static void tcp6(void)
{
    char buf[16];
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    CHECK("bind [::1]:0", bind(l, (struct sockaddr *)&a, sizeof a));
    CHECK("listen", listen(l, 4));
    a.sin6_port = htons(port_of(l));
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK("connect [::1]", connect(c, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in6 peer;
    socklen_t len = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &len);
    char text[64];
    inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
    printf("peer %s, address length %u\n", text, len);
    CHECK("write", write(c, "six", 3));
    CHECK("read", read(s, buf, sizeof buf));
    close(c);
    close(s);
    close(l);

    /* A dual-stack listener takes IPv4 connections as mapped addresses. */
    l = socket(AF_INET6, SOCK_STREAM, 0);
    int off = 0;
    setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 any = {.sin6_family = AF_INET6};
    bind(l, (struct sockaddr *)&any, sizeof any);
    listen(l, 4);
    struct sockaddr_in v4 = loop4(port_of(l));
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("IPv4 connect to a dual-stack listener", connect(c, (struct sockaddr *)&v4, sizeof v4));
    len = sizeof peer;
    s = accept(l, (struct sockaddr *)&peer, &len);
    inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
    printf("mapped peer %s\n", text);
    close(c);
    close(s);
    close(l);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tcp4();
    udp4();
    tcp6();
    CHECK("socket(AF_INET, 99)", socket(AF_INET, 99, 0));
    CHECK("socket(AF_INET, STREAM, UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    return 0;
}
