/*
 * Many files and one large file on a volume, written in one boot and
 * verified in the next.
 *
 *   bulk write DIR    DIR/small/f0000..f0999 and DIR/big.bin (200 MiB)
 *   bulk verify DIR   reads them all back and compares with what write made
 *
 * Contents are generated from the file's number (small files) or a fixed
 * xorshift sequence (big.bin), so verify needs nothing from write. Both
 * print big.bin's CRC-32 (zlib's), which the host compares with its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SMALL_FILES 1000
#define BIG_BYTES (200u << 20)
#define CHUNK (1u << 20)

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* big.bin's bytes, CHUNK at a time, from one xorshift64 state. */
static void fill_chunk(uint64_t *state, uint8_t *buf)
{
    for (size_t i = 0; i < CHUNK; i += 8) {
        uint64_t x = *state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *state = x;
        memcpy(buf + i, &x, 8);
    }
}

/* Small file i: its name repeated (i % 97) + 1 times, so sizes vary. */
static size_t small_content(int i, char *buf)
{
    size_t n = 0;
    for (int k = 0; k <= i % 97; k++)
        n += (size_t)sprintf(buf + n, "file %04d line %d\n", i, k);
    return n;
}

static int fail(const char *what, const char *path)
{
    printf("bulk: %s %s: %s\n", what, path, errno ? strerror(errno) : "mismatch");
    return 1;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t r = write(fd, c, n);
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static int do_write(const char *dir)
{
    char path[512], buf[4096];
    snprintf(path, sizeof path, "%s/small", dir);
    if (mkdir(path, 0755) < 0)
        return fail("mkdir", path);
    for (int i = 0; i < SMALL_FILES; i++) {
        snprintf(path, sizeof path, "%s/small/f%04d", dir, i);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0 || write_all(fd, buf, small_content(i, buf)) < 0)
            return fail("write", path);
        close(fd);
    }
    printf("wrote %d small files\n", SMALL_FILES);
    snprintf(path, sizeof path, "%s/big.bin", dir);
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0)
        return fail("create", path);
    uint8_t *chunk = malloc(CHUNK);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    uint32_t crc = 0;
    for (uint32_t done = 0; done < BIG_BYTES; done += CHUNK) {
        fill_chunk(&state, chunk);
        crc = crc32(crc, chunk, CHUNK);
        if (write_all(fd, chunk, CHUNK) < 0)
            return fail("write", path);
    }
    if (fsync(fd) < 0)
        return fail("fsync", path);
    close(fd);
    printf("wrote big.bin: %u bytes, crc32 %08x\n", BIG_BYTES, crc);
    free(chunk);
    return 0;
}

static int do_verify(const char *dir)
{
    char path[512], want[4096], got[4096];
    for (int i = 0; i < SMALL_FILES; i++) {
        snprintf(path, sizeof path, "%s/small/f%04d", dir, i);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return fail("open", path);
        size_t n = small_content(i, want);
        ssize_t r = read(fd, got, sizeof got);
        close(fd);
        errno = 0;
        if (r != (ssize_t)n || memcmp(got, want, n) != 0)
            return fail("verify", path);
    }
    printf("verified %d small files\n", SMALL_FILES);
    snprintf(path, sizeof path, "%s/big.bin", dir);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail("open", path);
    uint8_t *expect = malloc(CHUNK), *read_back = malloc(CHUNK);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    uint32_t crc = 0;
    for (uint32_t done = 0; done < BIG_BYTES; done += CHUNK) {
        fill_chunk(&state, expect);
        size_t have = 0;
        while (have < CHUNK) {
            ssize_t r = read(fd, read_back + have, CHUNK - have);
            if (r <= 0)
                return fail("read", path);
            have += (size_t)r;
        }
        errno = 0;
        if (memcmp(expect, read_back, CHUNK) != 0)
            return fail("verify", path);
        crc = crc32(crc, read_back, CHUNK);
    }
    char extra;
    if (read(fd, &extra, 1) != 0)
        return fail("end of", path);
    close(fd);
    printf("verified big.bin: %u bytes, crc32 %08x\n", BIG_BYTES, crc);
    return 0;
}

int main(int argc, char **argv)
{
    crc_init();
    if (argc == 3 && strcmp(argv[1], "write") == 0)
        return do_write(argv[2]);
    if (argc == 3 && strcmp(argv[1], "verify") == 0)
        return do_verify(argv[2]);
    printf("usage: bulk write|verify DIR\n");
    return 2;
}
