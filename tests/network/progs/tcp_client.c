/*
 * The guest as a client, for tests/network/client.py: echoes 200 KB
 * through the host's TCP server at HOST:PORT and one datagram through its
 * UDP echo on the same port, then shows what connect says for a closed
 * port on the host (ECONNREFUSED at once) and for an on-link address
 * nobody answers ARP for (EHOSTUNREACH within seconds).
 */
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

static void tcp_echo(struct sockaddr_in to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) < 0)
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
    printf("tcp_client: tcp echo of %d bytes ok\n", BULK);
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
    int err = errno;
    const char *name = r == 0 ? "connected" : err == ECONNREFUSED ? "ECONNREFUSED"
                                          : err == EHOSTUNREACH  ? "EHOSTUNREACH"
                                          : err == ETIMEDOUT     ? "ETIMEDOUT"
                                                                 : strerror(err);
    printf("tcp_client: %s: %s after %.1f s\n", what, name, now() - start);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: tcp_client HOST PORT CLOSED_PORT SILENT_ADDR\n");
        return 2;
    }
    struct sockaddr_in server = addr(argv[1], port_arg(argv[2]));
    tcp_echo(server);
    udp_echo(server);
    failing_connect("closed port", addr(argv[1], port_arg(argv[3])));
    failing_connect("silent neighbour", addr(argv[4], port_arg(argv[2])));
    return 0;
}
