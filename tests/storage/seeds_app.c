/*
 * The seeds' storage program: reads an input file from a read-only volume
 * (/data, ISO 9660) and keeps its state on a writable one (/var/lib/app,
 * ext2) the way real programs do: a counter replaced atomically (write a
 * temporary file, fsync, rename), an append-only log, a copy of the input.
 *
 *   seeds_app INPUT [STATE_DIR]     (STATE_DIR defaults to /var/lib/app)
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

static void die(const char *what, const char *path)
{
    printf("seeds_app: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat", path);
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0)
            die("read", path);
        got += (size_t)r;
    }
    buf[got] = 0;
    close(fd);
    *len = got;
    return buf;
}

static void write_all(int fd, const void *p, size_t n, const char *path)
{
    const char *c = p;
    while (n) {
        ssize_t r = write(fd, c, n);
        if (r <= 0)
            die("write", path);
        c += r;
        n -= (size_t)r;
    }
}

/* Replaces path's contents atomically: the old or the new, never a mix. */
static void replace_file(const char *dir, const char *name, const char *text)
{
    char tmp[512], path[512];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        die("create", tmp);
    write_all(fd, text, strlen(text), tmp);
    if (fsync(fd) < 0)
        die("fsync", tmp);
    close(fd);
    if (rename(tmp, path) < 0)
        die("rename", tmp);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: seeds_app INPUT [STATE_DIR]\n");
        return 2;
    }
    const char *input = argv[1];
    const char *state = argc > 2 ? argv[2] : "/var/lib/app";

    size_t len;
    char *data = slurp(input, &len);
    uint64_t hash = 14695981039346656037ull;  /* FNV-1a */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        hash = (hash ^ (uint8_t)data[i]) * 1099511628211ull;
        lines += data[i] == '\n';
    }

    /* What else the read-only volume holds, sorted. */
    char dir[512];
    snprintf(dir, sizeof dir, "%s", input);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    DIR *d = opendir(dir[0] ? dir : "/");
    if (!d)
        die("opendir", dir);
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    printf("volume:");
    for (int i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");

    /* The run counter survives boots. */
    char path[512], text[512];
    long run = 1;
    snprintf(path, sizeof path, "%s/counter", state);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &run) == 1)
            run++;
        fclose(f);
    } else if (errno != ENOENT) {
        die("open", path);
    }
    snprintf(text, sizeof text, "%ld\n", run);
    replace_file(state, "counter", text);

    snprintf(text, sizeof text, "input: %s\nbytes: %zu\nlines: %zu\nfnv1a: %016llx\nrun: %ld\n",
             input, len, lines, (unsigned long long)hash, run);
    replace_file(state, "report.txt", text);

    snprintf(path, sizeof path, "%s/runs.log", state);
    int fd = open(path, O_CREAT | O_WRONLY | O_APPEND, 0644);
    if (fd < 0)
        die("open", path);
    char line[128];
    int ll = snprintf(line, sizeof line, "run %ld: %zu bytes\n", run, len);
    write_all(fd, line, (size_t)ll, path);
    close(fd);

    snprintf(path, sizeof path, "%s/copies", state);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        die("mkdir", path);
    snprintf(path, sizeof path, "%s/copies/input-%ld", state, run);
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0)
        die("create", path);
    write_all(fd, data, len, path);
    close(fd);

    fputs(text, stdout);
    free(data);
    return 0;
}
