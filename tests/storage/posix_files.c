/*
 * POSIX file semantics in a directory of the volume under test: every
 * call's result (or -1 and the errno name) is printed, and nothing that
 * depends on the file system's layout (inode numbers, block counts,
 * directory sizes, entry order), so Linux on ext2, Linux on a host
 * directory and kiln on ext2 must print the same lines.
 *
 *   posix_files DIR     (DIR exists and is empty)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define CHECK(label, expr) report(label, (long)(expr))

static void report(const char *label, long r)
{
    if (r < 0)
        printf("%-40s -1 %s\n", label, strerrorname_np(errno));
    else
        printf("%-40s %ld\n", label, r);
}

static void show(const char *label, const char *path, int follow)
{
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
        printf("%-40s -1 %s\n", label, strerrorname_np(errno));
        return;
    }
    printf("%-40s type %o perm %04o nlink %ld uid %u gid %u", label, st.st_mode & S_IFMT,
           st.st_mode & 07777, (long)st.st_nlink, st.st_uid, st.st_gid);
    if (!S_ISDIR(st.st_mode))
        printf(" size %lld", (long long)st.st_size);
    printf("\n");
}

/* An open file's contents, as printable text. */
static void show_data(const char *label, int fd)
{
    char buf[256];
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    printf("%-40s ", label);
    for (ssize_t i = 0; i < n; i++)
        putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
    printf(" (%zd)\n", n);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries with their d_type, sorted: getdents64 order is the file system's. */
static void list(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("list %s: -1 %s\n", path, strerrorname_np(errno));
        return;
    }
    static char *names[2048];
    int n = 0;
    char buf[1024];
    long got;
    while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < got;) {
            unsigned short reclen;
            memcpy(&reclen, buf + at + 16, 2);
            char *name = buf + at + 19;
            char type = buf[at + 18];
            if (n < 2048 && asprintf(&names[n], "%s:%d", name, type) > 0)
                n++;
            at += reclen;
        }
    }
    if (got < 0)
        printf("getdents64 %s: -1 %s\n", path, strerrorname_np(errno));
    close(fd);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    printf("list %s (%d):", path, n);
    for (int i = 0; i < n; i++) {
        if (n <= 24)
            printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static int make(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return (int)n;
}

static void open_flags(void)
{
    int fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0640);
    CHECK("open O_CREAT|O_EXCL new", fd >= 0 ? 0 : -1);
    CHECK("open O_CREAT|O_EXCL existing", open("f", O_CREAT | O_EXCL | O_RDWR, 0640));
    CHECK("write 11", write(fd, "hello world", 11));
    show("stat f (umask 022, mode 0640)", "f", 1);
    close(fd);
    CHECK("open O_RDWR|O_TRUNC", fd = open("f", O_RDWR | O_TRUNC));
    show("after O_TRUNC", "f", 1);
    CHECK("write abc", write(fd, "abc", 3));
    close(fd);
    fd = open("f", O_WRONLY | O_APPEND);
    CHECK("lseek 0 on O_APPEND", lseek(fd, 0, SEEK_SET));
    CHECK("write on O_APPEND", write(fd, "def", 3));
    CHECK("offset after append", lseek(fd, 0, SEEK_CUR));
    CHECK("pwrite at 0 on O_APPEND", pwrite(fd, "ghi", 3, 0));
    CHECK("read on O_WRONLY", read(fd, (char[4]){0}, 1));
    close(fd);
    fd = open("f", O_RDONLY);
    show_data("f after appends", fd);
    CHECK("write on O_RDONLY", write(fd, "x", 1));
    CHECK("ftruncate on O_RDONLY", ftruncate(fd, 0));
    close(fd);
    CHECK("open O_DIRECTORY on a file", open("f", O_RDONLY | O_DIRECTORY));
    CHECK("open f/ (trailing slash)", open("f/", O_RDONLY));
    CHECK("open f/x (f is a file)", open("f/x", O_RDONLY));
    CHECK("open missing", open("missing", O_RDONLY));
    CHECK("open missing/x", open("missing/x", O_CREAT | O_WRONLY, 0644));
    CHECK("open . O_WRONLY", open(".", O_WRONLY));
    CHECK("open . O_CREAT", open(".", O_CREAT | O_RDONLY, 0644));
    CHECK("open d O_CREAT (a directory)", (mkdir("d", 0755), open("d", O_CREAT | O_WRONLY, 0644)));
    fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("open d O_DIRECTORY", fd >= 0 ? 0 : -1);
    CHECK("read a directory", read(fd, (char[4]){0}, 4));
    close(fd);
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    CHECK("open 256-byte name", open(longname, O_CREAT | O_WRONLY, 0644));
    longname[255] = 0;
    CHECK("open 255-byte name", (fd = open(longname, O_CREAT | O_WRONLY, 0644)) >= 0 ? 0 : -1);
    close(fd);
    CHECK("unlink 255-byte name", unlink(longname));
    CHECK("symlink l -> f", symlink("f", "l"));
    CHECK("open l O_NOFOLLOW", open("l", O_RDONLY | O_NOFOLLOW));
    CHECK("open l O_PATH|O_NOFOLLOW", (fd = open("l", O_PATH | O_NOFOLLOW)) >= 0 ? 0 : -1);
    close(fd);
    CHECK("open l O_CREAT|O_EXCL", open("l", O_CREAT | O_EXCL | O_WRONLY, 0644));
    CHECK("open l (follows)", (fd = open("l", O_RDONLY)) >= 0 ? 0 : -1);
    show_data("f through l", fd);
    close(fd);
}

static void data_and_size(void)
{
    int fd = open("data", O_CREAT | O_RDWR, 0644);
    char buf[64];
    CHECK("pwrite at 100", pwrite(fd, "XYZ", 3, 100));
    CHECK("offset after pwrite", lseek(fd, 0, SEEK_CUR));
    CHECK("pread 8 at 98", pread(fd, buf, 8, 98));
    printf("%-40s %d %d %.3s\n", "bytes 98..102", buf[0], buf[1], buf + 2);
    CHECK("pread at EOF", pread(fd, buf, 8, 103));
    CHECK("pread negative offset", pread(fd, buf, 8, -1));
    CHECK("lseek SEEK_END -3", lseek(fd, -3, SEEK_END));
    CHECK("lseek SEEK_CUR -200", lseek(fd, -200, SEEK_CUR));
    CHECK("lseek bad whence", lseek(fd, 0, 7));
    CHECK("lseek SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    CHECK("lseek SEEK_HOLE 50", lseek(fd, 50, SEEK_HOLE));
    CHECK("lseek SEEK_DATA at EOF", lseek(fd, 103, SEEK_DATA));
    CHECK("lseek SEEK_HOLE past EOF", lseek(fd, 200, SEEK_HOLE));
    CHECK("lseek past EOF", lseek(fd, 5000, SEEK_SET));
    CHECK("read past EOF", read(fd, buf, 8));
    CHECK("ftruncate 10", ftruncate(fd, 10));
    show("data after ftruncate 10", "data", 1);
    CHECK("ftruncate 70000", ftruncate(fd, 70000));
    CHECK("pread in the grown tail", pread(fd, buf, 4, 69990));
    printf("%-40s %d %d %d %d\n", "grown tail bytes", buf[0], buf[1], buf[2], buf[3]);
    CHECK("truncate path 3", truncate("data", 3));
    CHECK("pread after truncate", pread(fd, buf, 8, 0));
    CHECK("ftruncate negative", ftruncate(fd, -1));
    CHECK("truncate a directory", truncate("d", 0));
    CHECK("truncate missing", truncate("missing", 0));
    /* A write far out leaves a hole that reads as zeros. */
    CHECK("pwrite at 5 MiB", pwrite(fd, "end", 3, 5 << 20));
    CHECK("pread in the hole", pread(fd, buf, 16, 3 << 20));
    int zeros = 1;
    for (int i = 0; i < 16; i++)
        zeros &= buf[i] == 0;
    printf("%-40s %d\n", "hole reads zeros", zeros);
    show("data with a hole", "data", 1);
    CHECK("fsync", fsync(fd));
    CHECK("fdatasync", fdatasync(fd));
    CHECK("syncfs", syncfs(fd));
    close(fd);
    CHECK("fsync closed fd", fsync(fd));
}

static void names(void)
{
    CHECK("mkdir d (exists)", mkdir("d", 0755));
    CHECK("mkdir d/sub/", mkdir("d/sub/", 0700));
    CHECK("mkdir missing/x", mkdir("missing/x", 0755));
    CHECK("mkdir f/x (f is a file)", mkdir("f/x", 0755));
    show("d (one subdirectory)", "d", 1);
    show("d/sub (mode 0700)", "d/sub", 1);
    CHECK("rmdir d (not empty)", rmdir("d"));
    CHECK("rmdir f (a file)", rmdir("f"));
    CHECK("rmdir .", rmdir("."));
    CHECK("rmdir d/sub/..", rmdir("d/sub/.."));
    CHECK("unlink d (a directory)", unlink("d"));
    CHECK("unlink missing", unlink("missing"));
    CHECK("unlink f/ (trailing slash)", unlink("f/"));

    CHECK("link f h", link("f", "h"));
    show("f after link", "f", 1);
    CHECK("link f h (exists)", link("f", "h"));
    CHECK("link d dlink (a directory)", link("d", "dlink"));
    CHECK("link missing x", link("missing", "x"));
    CHECK("rename f h (same file)", rename("f", "h"));
    show("f after rename onto its link", "f", 1);
    CHECK("unlink h", unlink("h"));
    show("f after unlink h", "f", 1);

    CHECK("symlink dangling", symlink("nowhere", "dangling"));
    CHECK("symlink exists", symlink("f", "dangling"));
    CHECK("open dangling O_CREAT", open("dangling", O_CREAT | O_WRONLY, 0600) >= 0 ? 0 : -1);
    show("nowhere (made through dangling)", "nowhere", 0);
    CHECK("symlink loop1 -> loop2", symlink("loop2", "loop1"));
    CHECK("symlink loop2 -> loop1", symlink("loop1", "loop2"));
    CHECK("open loop1", open("loop1", O_RDONLY));
    char target[200];
    memset(target, 't', 120);
    target[120] = 0;
    CHECK("symlink with a 120-byte target", symlink(target, "slow"));
    char buf[256];
    CHECK("readlink slow", readlink("slow", buf, sizeof buf));
    printf("%-40s %d\n", "target matches", memcmp(buf, target, 120) == 0);
    CHECK("readlink l", readlink("l", buf, sizeof buf));
    CHECK("readlink f (not a link)", readlink("f", buf, sizeof buf));
    show("lstat l", "l", 0);
    CHECK("symlink dl -> d", symlink("d", "dl"));
    CHECK("mkdir dl/viasym", mkdir("dl/viasym", 0755));
    show("d/viasym", "d/viasym", 1);
    CHECK("rmdir dl (a symlink)", rmdir("dl"));
    CHECK("unlink dl/ (trailing slash)", unlink("dl/"));
    CHECK("unlink dl", unlink("dl"));
    CHECK("mknod fifo", mknod("fifo", S_IFIFO | 0600, 0));
    show("fifo", "fifo", 1);
    CHECK("chmod f 0600", chmod("f", 0600));
    CHECK("chown f 1000:100", chown("f", 1000, 100));
    CHECK("lchown l 7:8", lchown("l", 7, 8));
    show("f after chmod/chown", "f", 1);
    show("lstat l after lchown", "l", 0);
    struct timespec ts[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
    CHECK("utimensat f", utimensat(AT_FDCWD, "f", ts, 0));
    struct stat st;
    stat("f", &st);
    printf("%-40s %ld.%09ld %ld.%09ld\n", "f atime mtime", (long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    CHECK("access f W_OK", access("f", W_OK));
    CHECK("access missing", access("missing", F_OK));
}

static void renames(void)
{
    make("r1", "one");
    make("r2", "two");
    CHECK("rename r1 r2 (replaces)", rename("r1", "r2"));
    int fd = open("r2", O_RDONLY);
    show_data("r2", fd);
    close(fd);
    CHECK("rename r1 (gone)", rename("r1", "r3"));
    mkdir("rd", 0755);
    mkdir("rd/inner", 0755);
    mkdir("empty", 0755);
    mkdir("full", 0755);
    make("full/x", "x");
    CHECK("rename file over a directory", rename("r2", "rd"));
    CHECK("rename directory over a file", rename("rd", "r2"));
    CHECK("rename directory over a non-empty one", rename("rd", "full"));
    CHECK("rename directory into itself", rename("rd", "rd/inner/x"));
    CHECK("rename directory onto itself", rename("rd", "rd"));
    CHECK("rename directory over an empty one", rename("rd", "empty"));
    show("empty (was rd)", "empty", 1);
    show("empty/inner", "empty/inner", 1);
    CHECK("rename inner up (.. moves)", rename("empty/inner", "inner"));
    show("empty after inner left", "empty", 1);
    show(". (inner now here)", ".", 1);
    CHECK("stat inner/..", access("inner/../r2", F_OK));
    CHECK("rename . x", rename(".", "x"));
    CHECK("rename x/.. (missing x)", rename("x/..", "y"));
    CHECK("renameat2 NOREPLACE onto existing", renameat2(AT_FDCWD, "r2", AT_FDCWD, "f", RENAME_NOREPLACE));
    CHECK("renameat2 NOREPLACE onto new", renameat2(AT_FDCWD, "r2", AT_FDCWD, "r4", RENAME_NOREPLACE));
    CHECK("renameat2 bad flags", renameat2(AT_FDCWD, "r4", AT_FDCWD, "r5", 1 << 7));
    int dfd = open("full", O_RDONLY | O_DIRECTORY);
    CHECK("renameat across dirfds", renameat(dfd, "x", AT_FDCWD, "from_full"));
    CHECK("rmdir full (now empty)", rmdir("full"));
    CHECK("openat in the removed dir", openat(dfd, "new", O_CREAT | O_WRONLY, 0644));
    close(dfd);
    list(".");
}

static void unlinked_but_open(void)
{
    make("held", "still here");
    int fd = open("held", O_RDWR);
    CHECK("unlink held (open)", unlink("held"));
    show_data("held after unlink", fd);
    CHECK("write to unlinked", pwrite(fd, "!", 1, 10));
    struct stat st;
    fstat(fd, &st);
    printf("%-40s nlink %ld size %lld\n", "fstat unlinked", (long)st.st_nlink, (long long)st.st_size);
    close(fd);
    CHECK("open held", open("held", O_RDONLY));
}

static void big_directory(void)
{
    mkdir("many", 0755);
    char path[64];
    int made = 0;
    for (int i = 0; i < 400; i++) {
        snprintf(path, sizeof path, "many/entry-with-a-long-name-%03d", i);
        made += make(path, "") == 0;
    }
    printf("%-40s %d\n", "made in many", made);
    int removed = 0;
    for (int i = 0; i < 400; i += 2) {
        snprintf(path, sizeof path, "many/entry-with-a-long-name-%03d", i);
        removed += unlink(path) == 0;
    }
    printf("%-40s %d\n", "removed from many", removed);
    for (int i = 0; i < 50; i++) {
        snprintf(path, sizeof path, "many/again-%02d", i);
        make(path, "");
    }
    list("many");
    /* Every name looked up: the removed ones must be gone, the rest there. */
    int present = 0, absent_enoent = 0;
    for (int i = 0; i < 400; i++) {
        snprintf(path, sizeof path, "many/entry-with-a-long-name-%03d", i);
        if (access(path, F_OK) == 0)
            present++;
        else if (errno == ENOENT)
            absent_enoent++;
    }
    printf("%-40s %d present, %d ENOENT\n", "lookups in many", present, absent_enoent);
    CHECK("rename within many", rename("many/entry-with-a-long-name-001", "many/renamed-001"));
    CHECK("old name gone", access("many/entry-with-a-long-name-001", F_OK));
    CHECK("new name there", access("many/renamed-001", F_OK));
    CHECK("rename over a name in many", rename("many/renamed-001", "many/again-07"));
    CHECK("create the removed name again", make("many/entry-with-a-long-name-000", "back"));
    CHECK("rmdir many (not empty)", rmdir("many"));
}

static void filesystem(void)
{
    struct statfs before, after;
    CHECK("statfs", statfs(".", &before));
    printf("%-40s %ld\n", "f_namelen", (long)before.f_namelen);
    int fd = open("filler", O_CREAT | O_WRONLY, 0644);
    static char mib[1 << 20];
    memset(mib, 'f', sizeof mib);
    CHECK("write 1 MiB", write(fd, mib, sizeof mib));
    CHECK("fsync filler", fsync(fd));
    CHECK("fstatfs", fstatfs(fd, &after));
    printf("%-40s %d\n", "free space dropped by >= 1 MiB",
           (before.f_bfree - after.f_bfree) * (unsigned long)after.f_bsize >= sizeof mib);
    close(fd);
    CHECK("statfs missing", statfs("missing", &after));
    sync();
    printf("%-40s\n", "sync returned");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: posix_files DIR\n");
        return 2;
    }
    umask(022);
    if (chdir(argv[1]) < 0) {
        printf("posix_files: chdir %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    open_flags();
    data_and_size();
    names();
    renames();
    unlinked_but_open();
    big_directory();
    filesystem();
    return 0;
}
