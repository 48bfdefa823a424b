/*
 * Random file operations from a fixed seed over a small namespace (four
 * directories and ten names in each, so operations collide): create,
 * write, append, pwrite, truncate, unlink, rename, link, symlink, mkdir,
 * rmdir, stat. Every result (or errno) feeds a running digest printed every
 * 250 operations, then the tree is listed with each file's size, links and
 * CRC. Linux and kiln must print the same.
 *
 *   random_ops DIR SEED OPS [-v]     (-v: one line per operation)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static uint64_t digest = 1469598103934665603ull;
static void mix(long v)
{
    for (int i = 0; i < 8; i++)
        digest = (digest ^ (uint8_t)(v >> (8 * i))) * 1099511628211ull;
}

static const char *base;
static void random_path(char *out, size_t cap)
{
    uint32_t d = rnd(5);
    if (d == 4)
        snprintf(out, cap, "%s/n%u", base, rnd(10));
    else if (rnd(4) == 0)
        snprintf(out, cap, "%s/d%u", base, d);
    else
        snprintf(out, cap, "%s/d%u/n%u", base, d, rnd(10));
}

static long write_pattern(int fd, size_t len, off_t at, int positioned)
{
    static char buf[8192];
    memset(buf, 'a' + (int)rnd(26), len);
    return positioned ? pwrite(fd, buf, len, at) : write(fd, buf, len);
}

static long one_op(int op, const char *a, const char *b)
{
    struct stat st;
    long r;
    int fd;
    switch (op) {
    case 0:
        fd = open(a, O_CREAT | O_WRONLY | (rnd(2) ? O_TRUNC : 0) | (rnd(3) ? 0 : O_APPEND), 0644);
        if (fd < 0)
            return -1;
        r = write_pattern(fd, rnd(6000), 0, 0);
        close(fd);
        return r;
    case 1: return unlink(a);
    case 2: return rename(a, b);
    case 3: return mkdir(a, 0755);
    case 4: return rmdir(a);
    case 5: return truncate(a, rnd(20000));
    case 6: return link(a, b);
    case 7: return symlink(rnd(2) ? "n1" : "n2/n3", a);  /* never out of DIR */
    case 8:
        fd = open(a, O_WRONLY);
        if (fd < 0)
            return -1;
        r = write_pattern(fd, rnd(5000), rnd(30000), 1);
        close(fd);
        return r;
    default:
        if (lstat(a, &st) < 0)
            return -1;
        return (long)(st.st_mode & S_IFMT) + (S_ISDIR(st.st_mode) ? 0 : st.st_size * 16 + st.st_nlink);
    }
}

static uint32_t crc_of(const char *path)
{
    static char buf[65536];
    uint32_t crc = ~0u;
    int fd = open(path, O_RDONLY);
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            crc ^= (uint8_t)buf[i];
            for (int k = 0; k < 8; k++)
                crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
        }
    if (fd >= 0)
        close(fd);
    return ~crc;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The tree under `path`, sorted, `shown` as its name relative to DIR. */
static void list(const char *path, const char *shown)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        char full[512], rel[512], target[64];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        snprintf(rel, sizeof rel, "%s/%s", shown, names[i]);
        struct stat st;
        lstat(full, &st);
        if (S_ISDIR(st.st_mode)) {
            printf("%s/ nlink %ld\n", rel, (long)st.st_nlink);
            list(full, rel);
        } else if (S_ISLNK(st.st_mode)) {
            ssize_t t = readlink(full, target, sizeof target - 1);
            printf("%s -> %.*s\n", rel, (int)(t > 0 ? t : 0), target);
        } else {
            printf("%s size %lld nlink %ld crc %08x\n", rel, (long long)st.st_size,
                   (long)st.st_nlink, crc_of(full));
        }
        free(names[i]);
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        printf("usage: random_ops DIR SEED OPS [-v]\n");
        return 2;
    }
    base = argv[1];
    rng_state = strtoull(argv[2], NULL, 0);
    long ops = atol(argv[3]);
    int verbose = argc > 4;
    umask(022);
    static const char *names[] = {"create", "unlink", "rename", "mkdir", "rmdir",
                                  "truncate", "link", "symlink", "pwrite", "stat"};
    for (long i = 0; i < ops; i++) {
        char a[256], b[256];
        int op = (int)rnd(10);
        random_path(a, sizeof a);
        random_path(b, sizeof b);
        errno = 0;
        long r = one_op(op, a, b);
        long v = r < 0 ? -errno : r;
        mix(op);
        mix(v);
        if (verbose)
            printf("%ld %s %s %s -> %ld\n", i, names[op], a + strlen(base), b + strlen(base), v);
        if (i % 250 == 249)
            printf("after %ld: %016llx\n", i + 1, (unsigned long long)digest);
    }
    list(base, "");
    return 0;
}
