/*
 * POSIX file semantics under /tmp: every call's result and errno printed,
 * so the native run and the kiln run must match line for line.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

#define D "/tmp/kiln-files-test"


static void show_stat(const char *label, const char *path, int follow)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r < 0) {
        printf("%-44s -1 %s\n", label, strerrorname_np(errno));
        return;
    }
    printf("%-44s type %o perm %o size %lld nlink %ld uid %u gid %u\n", label,
           st.st_mode & S_IFMT, st.st_mode & 07777, (long long)st.st_size, (long)st.st_nlink,
           st.st_uid, st.st_gid);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: %s\n", path, strerrorname_np(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    printf("ls %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void cleanup(void)
{
    const char *files[] = {D "/a", D "/b", D "/hard", D "/link", D "/dangling", D "/sparse",
                           D "/copy", D "/sub/inner", D "/moved", D "/d2/x", D "/t", NULL};
    for (int i = 0; files[i]; i++)
        unlink(files[i]);
    rmdir(D "/sub/deep");
    rmdir(D "/sub");
    rmdir(D "/d2");
    rmdir(D "/newdir");
    rmdir(D);
}

int main(void)
{
    char buf[256];
    umask(022);
    cleanup();
    CHECK("mkdir", mkdir(D, 0755));
    CHECK("mkdir again", mkdir(D, 0755));
    CHECK("chdir", chdir(D));
    printf("getcwd: %s\n", getcwd(buf, sizeof buf));

    int fd = open("a", O_CREAT | O_EXCL | O_RDWR, 0666);
    CHECK("open O_CREAT|O_EXCL", fd >= 0 ? 0 : -1);
    CHECK("open O_CREAT|O_EXCL again", open("a", O_CREAT | O_EXCL | O_RDWR, 0666));
    CHECK("write", write(fd, "hello world\n", 12));
    CHECK("lseek cur", lseek(fd, 0, SEEK_CUR));
    CHECK("pread at 6", pread(fd, buf, 5, 6));
    printf("pread data: %.5s\n", buf);
    CHECK("pwrite at 0", pwrite(fd, "HELLO", 5, 0));
    CHECK("lseek after pwrite (unchanged)", lseek(fd, 0, SEEK_CUR));
    CHECK("lseek set 0", lseek(fd, 0, SEEK_SET));
    CHECK("read", read(fd, buf, sizeof buf));
    printf("read data: %.12s", buf);
    CHECK("read at EOF", read(fd, buf, sizeof buf));
    CHECK("lseek negative", lseek(fd, -100, SEEK_SET));
    CHECK("lseek bad whence", lseek(fd, 0, 42));
    struct iovec iov[2] = {{"ab", 2}, {"cdef", 4}};
    CHECK("writev", writev(fd, iov, 2));
    char x[3], y[3];
    struct iovec riov[2] = {{x, 3}, {y, 3}};
    CHECK("preadv at 12", preadv(fd, riov, 2, 12));
    printf("preadv data: %.3s|%.3s\n", x, y);
    CHECK("pwritev at 0", pwritev(fd, iov, 1, 0));
    CHECK("fsync", fsync(fd));
    CHECK("fdatasync", fdatasync(fd));
    show_stat("stat a", "a", 1);
    CHECK("ftruncate 5", ftruncate(fd, 5));
    show_stat("after ftruncate", "a", 1);
    CHECK("ftruncate 10000", ftruncate(fd, 10000));
    CHECK("pread in the zeroed tail", pread(fd, buf, 4, 100));
    printf("tail bytes: %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
    CHECK("fallocate grows", fallocate(fd, 0, 0, 20000));
    show_stat("after fallocate", "a", 1);
    close(fd);

    fd = open("a", O_WRONLY | O_APPEND);
    CHECK("append write", write(fd, "END", 3));
    CHECK("append position", lseek(fd, 0, SEEK_CUR));
    CHECK("read on O_WRONLY", read(fd, buf, 1));
    close(fd);
    fd = open("a", O_RDONLY);
    CHECK("write on O_RDONLY", write(fd, "x", 1));
    int fd2 = dup(fd);
    lseek(fd, 100, SEEK_SET);
    CHECK("dup shares the offset", lseek(fd2, 0, SEEK_CUR));
    close(fd2);
    close(fd);
    CHECK("open O_TRUNC", (fd = open("a", O_RDWR | O_TRUNC)) >= 0 ? 0 : -1);
    show_stat("after O_TRUNC", "a", 1);
    close(fd);

    fd = open("sparse", O_CREAT | O_RDWR, 0600);
    CHECK("lseek past end", lseek(fd, 1 << 20, SEEK_SET));
    CHECK("write after a hole", write(fd, "z", 1));
    CHECK("read in the hole", pread(fd, buf, 8, 4096));
    printf("hole bytes zero: %d\n", buf[0] == 0 && buf[7] == 0);
    show_stat("sparse", "sparse", 1);
    close(fd);

    CHECK("open O_DIRECTORY on a file", open("a", O_RDONLY | O_DIRECTORY));
    CHECK("open a directory for writing", open(".", O_WRONLY));
    CHECK("open missing", open("missing", O_RDONLY));
    CHECK("open missing/dir/file", open("missing/x", O_RDONLY));
    CHECK("open a/x (not a dir)", open("a/x", O_RDONLY));
    CHECK("access a R_OK|W_OK", access("a", R_OK | W_OK));
    CHECK("access missing", access("missing", F_OK));
    CHECK("access a X_OK", access("a", X_OK));
    CHECK("chmod 755", chmod("a", 0755));
    CHECK("access a X_OK after chmod", access("a", X_OK));
    CHECK("chown", chown("a", 123, 456));
    show_stat("after chmod/chown", "a", 1);

    CHECK("symlink", symlink("a", "link"));
    CHECK("symlink exists", symlink("a", "link"));
    CHECK("symlink dangling", symlink("nowhere", "dangling"));
    CHECK("readlink", readlink("link", buf, sizeof buf));
    printf("readlink data: %.1s\n", buf);
    CHECK("readlink short buffer", readlink("link", buf, 0));
    CHECK("readlink on a file", readlink("a", buf, sizeof buf));
    show_stat("stat through link", "link", 1);
    show_stat("lstat link", "link", 0);
    show_stat("stat dangling", "dangling", 1);
    CHECK("open O_NOFOLLOW link", open("link", O_RDONLY | O_NOFOLLOW));
    CHECK("open O_PATH|O_NOFOLLOW link", (fd = open("link", O_PATH | O_NOFOLLOW)) >= 0 ? 0 : -1);
    close(fd);

    CHECK("link", link("a", "hard"));
    show_stat("nlink after link", "a", 1);
    CHECK("link to existing", link("a", "hard"));
    CHECK("unlink hard", unlink("hard"));
    show_stat("nlink after unlink", "a", 1);

    CHECK("mkdir sub", mkdir("sub", 0700));
    CHECK("mkdir sub/deep", mkdir("sub/deep", 0755));
    show_stat("stat sub", "sub", 1);
    CHECK("rmdir non-empty", rmdir("sub"));
    CHECK("unlink a directory", unlink("sub"));
    CHECK("rmdir a file", rmdir("a"));
    CHECK("rmdir .", rmdir("."));
    fd = open("sub/inner", O_CREAT | O_WRONLY, 0644);
    close(fd);
    CHECK("rename into sub", rename("sub/inner", "moved"));
    CHECK("rename over a file", rename("moved", "a"));
    CHECK("rename missing", rename("moved", "b"));
    CHECK("rename dir into itself", rename("sub", "sub/deep/x"));
    CHECK("mkdir d2", mkdir("d2", 0755));
    fd = open("d2/x", O_CREAT | O_WRONLY, 0644);
    close(fd);
    CHECK("rename dir over non-empty dir", rename("sub/deep", "d2"));
    CHECK("rename dir over a file", rename("sub", "a"));
    CHECK("rename file over a dir", rename("a", "sub"));
    CHECK("renameat2 NOREPLACE", renameat2(AT_FDCWD, "a", AT_FDCWD, "link", RENAME_NOREPLACE));
    CHECK("rename dir", rename("sub/deep", "newdir"));
    list_dir(".");
    list_dir("sub");

    fd = open("a", O_RDWR);
    write(fd, "0123456789", 10);
    int out = open("copy", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    off_t off = 2;
    CHECK("sendfile", sendfile(out, fd, &off, 5));
    printf("sendfile offset now %lld\n", (long long)off);
    close(out);
    fd2 = open("copy", O_RDONLY);
    CHECK("read copy", read(fd2, buf, sizeof buf));
    printf("copy data: %.5s\n", buf);
    close(fd2);
    close(fd);

    CHECK("utimensat", utimensat(AT_FDCWD, "a", (struct timespec[]){{1000000000, 5}, {1234567890, 42}}, 0));
    struct stat st;
    stat("a", &st);
    printf("atime %ld.%ld mtime %ld.%ld\n", (long)st.st_atim.tv_sec, (long)st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);

    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK("openat relative to dirfd", (fd = openat(dfd, "a", O_RDONLY)) >= 0 ? 0 : -1);
    close(fd);
    CHECK("fstatat AT_EMPTY_PATH", fstatat(dfd, "", &st, AT_EMPTY_PATH));
    printf("is dir: %d\n", S_ISDIR(st.st_mode));
    CHECK("chdir /", chdir("/"));
    CHECK("fchdir back", fchdir(dfd));
    printf("getcwd: %s\n", getcwd(buf, sizeof buf));
    CHECK("getcwd too small", getcwd(buf, 3) ? 0 : -1);
    close(dfd);
    chdir("/");
    umask(077);
    fd = open(D "/t", O_CREAT | O_WRONLY, 0666);
    close(fd);
    show_stat("umask 077 applied", D "/t", 1);
    cleanup();
    show_stat("cleaned up", D, 1);
    return 0;
}
