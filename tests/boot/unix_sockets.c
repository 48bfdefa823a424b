/*
 * AF_UNIX sockets: socketpair (stream and datagram), a listening server in
 * the abstract namespace and on a path, accept/connect across threads,
 * shutdown and hang-up, EPIPE, message boundaries and truncation, iovecs,
 * sendmmsg/recvmmsg, epoll on a listener, options. Differential.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"



static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(name);
    memcpy(a->sun_path + 1, name, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static struct sockaddr_un server_addr;
static socklen_t server_len;

static void *client(void *arg)
{
    (void)arg;
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&server_addr, server_len) != 0) {
        perror("client connect");
        return NULL;
    }
    const char msg[] = "ping from the client";
    write(c, msg, sizeof msg);
    char buf[64];
    ssize_t n = read(c, buf, sizeof buf);
    printf("client got %zd bytes: %s\n", n, n > 0 ? buf : "");
    close(c);
    return NULL;
}

static void serve_once(int srv)
{
    pthread_t t;
    pthread_create(&t, NULL, client, NULL);
    struct sockaddr_un peer;
    socklen_t plen = sizeof peer;
    int conn = accept(srv, (struct sockaddr *)&peer, &plen);
    printf("accept: %s, peer address length %u\n", conn >= 0 ? "ok" : strerrorname_np(errno),
           (unsigned)plen);
    char buf[64];
    ssize_t n = read(conn, buf, sizeof buf);
    printf("server got %zd bytes: %s\n", n, buf);
    write(conn, "pong", 5);
    pthread_join(t, NULL);
    CHECK("read after client closed", read(conn, buf, sizeof buf));
    close(conn);
}

int main(void)
{
    int sv[2];
    char buf[128];
    signal(SIGPIPE, SIG_IGN);

    CHECK("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK("write a->b", write(sv[0], "hello", 5));
    CHECK("read b", read(sv[1], buf, sizeof buf));
    CHECK("write b->a", write(sv[1], "world!", 6));
    CHECK("recv a MSG_PEEK", recv(sv[0], buf, sizeof buf, MSG_PEEK));
    CHECK("recv a", recv(sv[0], buf, sizeof buf, 0));
    CHECK("recv a MSG_DONTWAIT empty", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
    CHECK("shutdown a SHUT_WR", shutdown(sv[0], SHUT_WR));
    CHECK("read b after shutdown: EOF", read(sv[1], buf, sizeof buf));
    CHECK("write a after SHUT_WR", write(sv[0], "x", 1));
    close(sv[1]);
    CHECK("read a after peer closed", read(sv[0], buf, sizeof buf));
    close(sv[0]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    CHECK("send to closed peer, MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
    close(sv[0]);

    CHECK("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    send(sv[0], "one", 3, 0);
    send(sv[0], "three", 5, 0);
    CHECK("recv 1st datagram", recv(sv[1], buf, sizeof buf, 0));
    CHECK("recv 2nd into 2 bytes", recv(sv[1], buf, 2, 0));
    send(sv[0], "truncated", 9, 0);
    struct iovec iov = {buf, 4};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK("recvmsg short buffer", recvmsg(sv[1], &mh, 0));
    printf("MSG_TRUNC set: %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
    char part1[] = "scatter ", part2[] = "gather";
    struct iovec out2[2] = {{part1, 8}, {part2, 6}};
    struct msghdr send_mh = {.msg_iov = out2, .msg_iovlen = 2};
    CHECK("sendmsg 2 iovecs", sendmsg(sv[0], &send_mh, 0));
    char a[5], b[20];
    struct iovec in2[2] = {{a, 5}, {b, 20}};
    struct msghdr recv_mh = {.msg_iov = in2, .msg_iovlen = 2};
    long n = recvmsg(sv[1], &recv_mh, 0);
    printf("recvmsg 2 iovecs: %ld: %.5s|%.9s\n", n, a, b);
    struct mmsghdr mm[3];
    struct iovec mi[3] = {{"m1", 2}, {"mm2", 3}, {"mmm3", 4}};
    for (int i = 0; i < 3; i++)
        memset(&mm[i], 0, sizeof mm[i]), mm[i].msg_hdr.msg_iov = &mi[i], mm[i].msg_hdr.msg_iovlen = 1;
    CHECK("sendmmsg", sendmmsg(sv[0], mm, 3, 0));
    char rb[3][8];
    struct iovec ri[3] = {{rb[0], 8}, {rb[1], 8}, {rb[2], 8}};
    for (int i = 0; i < 3; i++)
        memset(&mm[i], 0, sizeof mm[i]), mm[i].msg_hdr.msg_iov = &ri[i], mm[i].msg_hdr.msg_iovlen = 1;
    CHECK("recvmmsg", recvmmsg(sv[1], mm, 3, MSG_DONTWAIT, NULL));
    printf("lengths: %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
    close(sv[0]);
    close(sv[1]);

    int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    server_len = abstract_addr(&server_addr, "kiln-test-server");
    CHECK("bind abstract", bind(srv, (struct sockaddr *)&server_addr, server_len));
    int dup_srv = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK("bind same name again", bind(dup_srv, (struct sockaddr *)&server_addr, server_len));
    close(dup_srv);
    CHECK("accept before listen", accept(srv, NULL, NULL));
    CHECK("listen", listen(srv, 8));
    int type = 0, acc = 0;
    socklen_t olen = sizeof type;
    getsockopt(srv, SOL_SOCKET, SO_TYPE, &type, &olen);
    olen = sizeof acc;
    getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &acc, &olen);
    printf("SO_TYPE %d SO_ACCEPTCONN %d\n", type, acc);
    struct sockaddr_un name;
    socklen_t nlen = sizeof name;
    getsockname(srv, (struct sockaddr *)&name, &nlen);
    printf("getsockname length %u, name %s\n", (unsigned)nlen, name.sun_path + 1);
    fcntl(srv, F_SETFL, O_NONBLOCK);
    CHECK("non-blocking accept, nobody waiting", accept(srv, NULL, NULL));
    fcntl(srv, F_SETFL, 0);
    serve_once(srv);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = srv}, got;
    epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK("connect", connect(c, (struct sockaddr *)&server_addr, server_len));
    CHECK("epoll sees the pending connection", epoll_wait(ep, &got, 1, 1000));
    int conn = accept4(srv, NULL, NULL, SOCK_NONBLOCK);
    nlen = sizeof name;
    CHECK("getpeername of an unbound client", getpeername(conn, (struct sockaddr *)&name, &nlen));
    printf("peer name length: %u\n", (unsigned)nlen);
    close(c);
    close(conn);
    close(ep);
    close(srv);

    struct sockaddr_un missing;
    socklen_t mlen = abstract_addr(&missing, "nobody-listens-here");
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK("connect to an absent abstract name", connect(c, (struct sockaddr *)&missing, mlen));
    struct sockaddr_un path = {.sun_family = AF_UNIX};
    strcpy(path.sun_path, "/no/such/dir/sock");
    CHECK("connect to an absent path", connect(c, (struct sockaddr *)&path, sizeof path));
    close(c);

    srv = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(path.sun_path, "/tmp/kiln-unix-test.sock");
    unlink(path.sun_path);
    server_addr = path;
    server_len = sizeof path;
    CHECK("bind path", bind(srv, (struct sockaddr *)&path, sizeof path));
    CHECK("listen on path", listen(srv, 1));
    serve_once(srv);
    close(srv);
    unlink(path.sun_path);
    return 0;
}
