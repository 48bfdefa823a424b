/*
 * The guest as a client, for tests/network/client.py: echoes 200 KB
 * through the host's TCP server at HOST:PORT (and at HOST6:PORT over IPv6)
 * and one datagram through its UDP echo on the same port; shows what
 * connect says for a closed port on the host (ECONNREFUSED at once, also
 * through a non-blocking connect and poll; a connected UDP socket hears it
 * from ICMP) and for an on-link address nobody answers ARP for
 * (EHOSTUNREACH within seconds); what recv and send say once the host's
 * server at PORT+2 resets the connection; and
 * SO_RCVTIMEO and MSG_WAITALL against the server at PORT+3, which sends
 * three 1000-byte pieces 0.3 s apart and closes.
 */
#include <fcntl.h>
#include <poll.h>
#include <time.h>

#include "net_util.h"

#define BULK 200000

static struct sockaddr_in addr(const char *ip, unsigned short port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        fprintf(stderr, "bad address %s\n", ip);
        exit(2);
    }
    return a;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct sockaddr_in6 addr6(const char *ip, unsigned short port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1) {
        fprintf(stderr, "bad address %s\n", ip);
        exit(2);
    }
    return a;
}

static const char *errno_name(int err)
{
    return err == ECONNREFUSED ? "ECONNREFUSED"
         : err == EHOSTUNREACH ? "EHOSTUNREACH"
         : err == ETIMEDOUT    ? "ETIMEDOUT"
         : err == ECONNRESET   ? "ECONNRESET"
         : err == EPIPE        ? "EPIPE"
         : err == 0            ? "0"
                               : strerror(err);
}

static void tcp_echo(const struct sockaddr *to, socklen_t len)
{
    int fd = socket(to->sa_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, to, len) < 0)
        die("connect to the echo server");
    static unsigned char out[BULK], in[BULK];
    for (int i = 0; i < BULK; i++)
        out[i] = (unsigned char)(i % 253);
    if (send_all(fd, out, BULK) < 0)
        die("send");
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(fd, in + got, BULK - got, 0);
        if (n < 0)
            die("recv");
        if (n == 0 || (got += (size_t)n) == BULK)
            break;
    }
    char extra;
    if (got != BULK || memcmp(in, out, BULK) != 0 || recv(fd, &extra, 1, 0) != 0) {
        fprintf(stderr, "tcp_client: echo differs (%zu bytes back)\n", got);
        exit(1);
    }
    close(fd);
    printf("tcp_client: tcp%s echo of %d bytes ok\n", to->sa_family == AF_INET6 ? "6" : "", BULK);
}

static void udp_echo(struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char msg[] = "datagram from kiln";
    char back[64];
    if (sendto(fd, msg, sizeof msg, 0, (struct sockaddr *)&to, sizeof to) != sizeof msg)
        die("sendto");
    ssize_t n = recv(fd, back, sizeof back, 0);
    if (n != sizeof msg || memcmp(back, msg, sizeof msg) != 0)
        die("udp echo (%zd bytes back)", n);
    close(fd);
    printf("tcp_client: udp echo ok\n");
}

/* Connects where it must fail; prints the errno's name and how long it took. */
static void failing_connect(const char *what, struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    double start = now();
    int r = connect(fd, (struct sockaddr *)&to, sizeof to);
    printf("tcp_client: %s: %s after %.1f s\n", what, r == 0 ? "connected" : errno_name(errno), now() - start);
    close(fd);
}

/* The same through a non-blocking connect: poll's events, then SO_ERROR. */
static void failing_connect_nonblock(struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(fd, (struct sockaddr *)&to, sizeof to);
    printf("tcp_client: non-blocking connect: %s\n", r == 0 ? "connected" : errno_name(errno));
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    r = poll(&p, 1, 5000);
    int err = -1;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("tcp_client: poll %d:%s%s%s%s, SO_ERROR %s\n", r, p.revents & POLLIN ? " IN" : "",
           p.revents & POLLOUT ? " OUT" : "", p.revents & POLLERR ? " ERR" : "", p.revents & POLLHUP ? " HUP" : "",
           errno_name(err));
    close(fd);
}

/* The host's server at TO reads 10 bytes and closes with the rest unread:
 * Linux resets the connection. */
static void reset_by_peer(struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0)
        die("connect to the resetting server");
    char buf[100] = {0};
    if (send_all(fd, buf, sizeof buf) < 0)
        die("send to the resetting server");
    struct pollfd p = {.fd = fd, .events = POLLIN};
    poll(&p, 1, 10000);
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    printf("tcp_client: after reset: recv %zd %s", n, n < 0 ? errno_name(errno) : "");
    n = send(fd, buf, 10, MSG_NOSIGNAL);
    printf(", send %zd %s\n", n, n < 0 ? errno_name(errno) : "");
    close(fd);
}

static void set_rcvtimeo(int fd, long sec, long usec)
{
    struct timeval tv = {.tv_sec = sec, .tv_usec = usec};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        die("SO_RCVTIMEO");
}

/* A UDP socket nobody sends to: recv gives EAGAIN after SO_RCVTIMEO. */
static void udp_timeout(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 1000000};
    printf("tcp_client: SO_RCVTIMEO with 1000000 us: %s\n",
           setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 && errno == EDOM ? "EDOM" : "accepted");
    set_rcvtimeo(fd, 0, 300000);
    struct timeval back;
    socklen_t len = sizeof back;
    getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &back, &len);
    char c;
    double start = now();
    ssize_t n = recv(fd, &c, 1, 0);
    printf("tcp_client: udp recv, SO_RCVTIMEO %ld.%06ld: %zd %s after %.1f s\n", (long)back.tv_sec,
           (long)back.tv_usec, n, n < 0 ? errno_name(errno) : "", now() - start);
    close(fd);
}

/* A connected UDP socket learns from the host's ICMP port unreachable. */
static void udp_refused(struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0)
        die("connect udp");
    set_rcvtimeo(fd, 5, 0);
    ssize_t w = send(fd, "x", 1, 0);
    char c;
    ssize_t n = recv(fd, &c, 1, 0);
    int err = errno;
    printf("tcp_client: udp to a closed port: send %zd, recv %zd %s\n", w, n, n < 0 ? errno_name(err) : "");
    close(fd);
}

/* MSG_WAITALL waits for every byte asked for, unless SO_RCVTIMEO ends the
 * wait first (then it returns what came) or the stream ends. */
static void wait_all(struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0)
        die("connect to the slow server");
    static char buf[3000];
    set_rcvtimeo(fd, 0, 150000);
    ssize_t a = recv(fd, buf, 3000, MSG_WAITALL);
    set_rcvtimeo(fd, 0, 0);
    ssize_t b = recv(fd, buf, 2000, MSG_WAITALL);
    ssize_t c = recv(fd, buf, 100, MSG_WAITALL);
    printf("tcp_client: MSG_WAITALL: %zd within SO_RCVTIMEO, then %zd, then %zd\n", a, b, c);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: tcp_client HOST HOST6 PORT CLOSED_PORT SILENT_ADDR\n");
        return 2;
    }
    unsigned short port = port_arg(argv[3]);
    struct sockaddr_in server = addr(argv[1], port);
    struct sockaddr_in6 server6 = addr6(argv[2], port);
    tcp_echo((struct sockaddr *)&server, sizeof server);
    tcp_echo((struct sockaddr *)&server6, sizeof server6);
    udp_echo(server);
    failing_connect("closed port", addr(argv[1], port_arg(argv[4])));
    failing_connect_nonblock(addr(argv[1], port_arg(argv[4])));
    failing_connect("silent neighbour", addr(argv[5], port));
    reset_by_peer(addr(argv[1], (unsigned short)(port + 2)));
    udp_timeout();
    udp_refused(addr(argv[1], port_arg(argv[4])));
    wait_all(addr(argv[1], (unsigned short)(port + 3)));
    return 0;
}
