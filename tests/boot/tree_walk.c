/*
 * Walks a directory tree and prints, for every entry in name order, its
 * relative path, type, mode, size and a hash of its contents or link
 * target. Run on a host directory and on the same tree inside kiln (from an
 * ISO or ext2 image), the outputs must be identical.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void walk(const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    struct dirent **names;
    int n = scandir(path, &names, NULL, by_name);
    if (n < 0) {
        printf("%s: cannot list\n", rel);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            char sub[4096], full[4096 + 256];  // root is short: the tests give "/" or a mount point
            snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name);
            snprintf(full, sizeof full, "%s/%s", root, sub);
            struct stat st;
            lstat(full, &st);
            uint64_t h = 0xcbf29ce484222325ULL;
            if (S_ISREG(st.st_mode)) {
                int fd = open(full, O_RDONLY);
                unsigned char buf[65536];
                ssize_t r;
                while ((r = read(fd, buf, sizeof buf)) > 0)
                    h = fnv(h, buf, (size_t)r);
                close(fd);
            } else if (S_ISLNK(st.st_mode)) {
                char target[4096];
                ssize_t len = readlink(full, target, sizeof target);
                h = fnv(h, (unsigned char *)target, len > 0 ? (size_t)len : 0);
            }
            printf("%-40s %c %04o %10lld %016llx\n", sub,
                   S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?',
                   (unsigned)(st.st_mode & 07777), S_ISREG(st.st_mode) ? (long long)st.st_size : 0,
                   (unsigned long long)h);
            if (S_ISDIR(st.st_mode))
                walk(root, sub);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tree_walk DIR\n");
        return 2;
    }
    walk(argv[1], "");
    return 0;
}
