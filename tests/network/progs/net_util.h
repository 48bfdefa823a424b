/*
 * What the guest programs of tests/network share: failing loudly, parsing
 * ports, dual-stack listeners, and writing whole buffers.
 */
#pragma once

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Prints "NAME: message: strerror" and exits 1 (the test then fails on the status). */
static inline void die(const char *what, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, what);
    vfprintf(stderr, what, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(err));
    exit(1);
}

static inline unsigned short port_arg(const char *s)
{
    long p = strtol(s, NULL, 10);
    if (p <= 0 || p > 65535) {
        fprintf(stderr, "bad port %s\n", s);
        exit(2);
    }
    return (unsigned short)p;
}

/* A socket of TYPE bound to [::]:PORT, taking IPv4 and IPv6 alike. */
static inline int bind_any(int type, unsigned short port)
{
    int fd = socket(AF_INET6, type, 0);
    if (fd < 0)
        die("socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        die("SO_REUSEADDR");
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind port %u", port);
    return fd;
}

static inline int listen_any(unsigned short port)
{
    int fd = bind_any(SOCK_STREAM, port);
    if (listen(fd, 1024) < 0)
        die("listen");
    return fd;
}

/* Writes all N bytes (blocking socket); 0 or -1 with errno. */
static inline int send_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
