/*
 * UDP echo server for tests/network/udp_echo.py: every datagram on
 * [::]:PORT (IPv4 too) goes back to its sender unchanged, whatever its size
 * (0 bytes up to 65507, which arrive as IP fragments); "quit" ends it.
 */
#include "net_util.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: udp_echo PORT\n");
        return 2;
    }
    int fd = bind_any(SOCK_DGRAM, port_arg(argv[1]));
    printf("udp_echo: ready\n");
    fflush(stdout);
    static char buf[65536];
    unsigned long count = 0, bytes = 0;
    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0)
            die("recvfrom");
        if (n == 4 && memcmp(buf, "quit", 4) == 0)
            break;
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) != n)
            die("sendto %zd bytes", n);
        count++;
        bytes += (unsigned long)n;
    }
    printf("udp_echo: %lu datagrams, %lu bytes\n", count, bytes);
    return 0;
}
