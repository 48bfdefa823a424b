/*
 * Bulk transfer both ways for tests/network/bulk.py and bench/net.sh: on
 * the first connection to [::]:PORT, receives until the peer shuts its
 * side, prints the byte count and SHA-256, then sends BYTES bytes of a
 * xorshift stream started from SEED, prints their SHA-256 and closes.
 * With a fourth argument "nohash" (bench/net.sh), nothing is hashed and one
 * chunk of the stream is sent over and over: under TCG the hashing would
 * cost more than the network.
 */
#include <stdint.h>

#include "net_util.h"
#include "sha256.h"

#define CHUNK 65536

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv)
{
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "nohash") == 0)) {
        fprintf(stderr, "usage: bulk PORT BYTES SEED [nohash]\n");
        return 2;
    }
    int hash = argc == 4;
    int lfd = listen_any(port_arg(argv[1]));
    unsigned long long total = strtoull(argv[2], NULL, 10);
    uint64_t seed = strtoull(argv[3], NULL, 10) | 1; /* xorshift must not start at 0 */
    printf("bulk: ready\n");
    fflush(stdout);
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        die("accept");
    static uint64_t buf[CHUNK / 8];
    struct sha256 h;
    char hex[65];
    sha256_init(&h);
    unsigned long long got = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0)
            die("recv after %llu bytes", got);
        if (n == 0)
            break;
        if (hash)
            sha256_update(&h, buf, (size_t)n);
        got += (unsigned long long)n;
    }
    sha256_hex(&h, hex);
    printf("bulk: received %llu bytes%s%s\n", got, hash ? " sha256 " : "", hash ? hex : "");
    fflush(stdout);

    sha256_init(&h);
    for (unsigned long long sent = 0; sent < total;) {
        size_t n = total - sent < CHUNK ? (size_t)(total - sent) : CHUNK;
        for (size_t i = 0; i < CHUNK / 8 && (hash || sent == 0); i++)
            buf[i] = xorshift(&seed);
        if (hash)
            sha256_update(&h, buf, n);
        if (send_all(fd, buf, n) < 0)
            die("send after %llu bytes", sent);
        sent += n;
    }
    sha256_hex(&h, hex);
    printf("bulk: sent %llu bytes%s%s\n", total, hash ? " sha256 " : "", hash ? hex : "");
    close(fd);
    return 0;
}
