/*
 * Extended attributes on tmpfs (/dev/shm), which keeps user.*, trusted.*
 * and security.* as Linux's does since 6.6; on /proc, which keeps none
 * (ENOTSUP, an empty list); on a pipe and a symlink, where user.* is
 * refused. The VFS's checks: flags, name length, sizes, XATTR_CREATE and
 * XATTR_REPLACE, ERANGE for a short buffer. Differential (run as root;
 * a child drops to uid 1000 for trusted.* and the permission bits).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"

#define DIR "/dev/shm/kiln-xattr"
#define FILE_ DIR "/f"
#define LINK DIR "/l"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names, sorted: Linux's order is its hash table's. */
static void show_list(const char *label, ssize_t n, char *buf)
{
    CHECK(label, n);
    if (n <= 0)
        return;
    char *names[64];
    int count = 0;
    for (char *p = buf; p < buf + n && count < 64; p += strlen(p) + 1)
        names[count++] = p;
    qsort(names, count, sizeof *names, cmp);
    for (int i = 0; i < count; i++)
        printf("  %s\n", names[i]);
}

static void show_value(const char *label, ssize_t n, const char *buf)
{
    CHECK(label, n);
    if (n > 0)
        printf("  [%.*s]\n", (int)n, buf);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char buf[4096], list[4096];
    mkdir(DIR, 0755);
    int fd = open(FILE_, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("create file", fd >= 0);

    show_list("list, none yet", listxattr(FILE_, list, sizeof list), list);
    CHECK("get missing", getxattr(FILE_, "user.a", buf, sizeof buf));
    CHECK("set user.a", setxattr(FILE_, "user.a", "alpha", 5, 0));
    show_value("get user.a", getxattr(FILE_, "user.a", buf, sizeof buf), buf);
    CHECK("get user.a size only", getxattr(FILE_, "user.a", NULL, 0));
    CHECK("get user.a into 3 bytes", getxattr(FILE_, "user.a", buf, 3));
    CHECK("set user.a CREATE (exists)", setxattr(FILE_, "user.a", "x", 1, XATTR_CREATE));
    CHECK("set user.b REPLACE (absent)", setxattr(FILE_, "user.b", "x", 1, XATTR_REPLACE));
    CHECK("set user.a REPLACE", setxattr(FILE_, "user.a", "a2", 2, XATTR_REPLACE));
    show_value("get user.a", getxattr(FILE_, "user.a", buf, sizeof buf), buf);
    CHECK("set user.b CREATE", setxattr(FILE_, "user.b", "beta", 4, XATTR_CREATE));
    CHECK("set user.empty, no value", setxattr(FILE_, "user.empty", "", 0, 0));
    CHECK("get user.empty", getxattr(FILE_, "user.empty", buf, sizeof buf));
    CHECK("set trusted.t", setxattr(FILE_, "trusted.t", "tt", 2, 0));
    CHECK("set security.s", setxattr(FILE_, "security.s", "ss", 2, 0));
    CHECK("fset user.f", fsetxattr(fd, "user.f", "ff", 2, 0));
    show_value("fget user.b", fgetxattr(fd, "user.b", buf, sizeof buf), buf);
    show_list("list", listxattr(FILE_, list, sizeof list), list);
    show_list("flist", flistxattr(fd, list, sizeof list), list);
    CHECK("list size only", listxattr(FILE_, NULL, 0));
    CHECK("list into 4 bytes", listxattr(FILE_, list, 4));

    CHECK("flags 4", setxattr(FILE_, "user.a", "x", 1, 4));
    CHECK("empty name", setxattr(FILE_, "", "x", 1, 0));
    CHECK("get empty name", getxattr(FILE_, "", buf, sizeof buf));
    char longname[300] = "user.";
    memset(longname + 5, 'n', 250);
    CHECK("255-byte name", setxattr(FILE_, longname, "x", 1, 0));
    CHECK("remove it", removexattr(FILE_, longname));
    longname[255] = 'n';
    CHECK("256-byte name", setxattr(FILE_, longname, "x", 1, 0));
    CHECK("get 256-byte name", getxattr(FILE_, longname, buf, sizeof buf));
    char *big = calloc(1, 100000);
    CHECK("value of 65537 bytes", setxattr(FILE_, "user.big", big, 65537, 0));
    CHECK("value of 65536 bytes", setxattr(FILE_, "user.big", big, 65536, 0));
    CHECK("get it, asking 100000", getxattr(FILE_, "user.big", big, 100000));
    CHECK("remove it", removexattr(FILE_, "user.big"));
    free(big);
    CHECK("name 'user.' alone", setxattr(FILE_, "user.", "x", 1, 0));
    CHECK("name 'user' (no dot)", setxattr(FILE_, "user", "x", 1, 0));
    CHECK("namespace foo.", setxattr(FILE_, "foo.bar", "x", 1, 0));
    CHECK("get namespace foo.", getxattr(FILE_, "foo.bar", buf, sizeof buf));
    CHECK("namespace system.", setxattr(FILE_, "system.foo", "x", 1, 0));
    CHECK("remove user.b", removexattr(FILE_, "user.b"));
    CHECK("remove user.b again", removexattr(FILE_, "user.b"));
    CHECK("fremove user.f", fremovexattr(fd, "user.f"));
    show_list("list", listxattr(FILE_, list, sizeof list), list);
    CHECK("no such file", getxattr(DIR "/none", "user.a", buf, sizeof buf));
    CHECK("set on no such file", setxattr(DIR "/none", "user.a", "x", 1, 0));
    CHECK("list no such file", listxattr(DIR "/none", list, sizeof list));
    CHECK("bad fd", fgetxattr(99, "user.a", buf, sizeof buf));
    CHECK("bad flags before the path", setxattr(DIR "/none", "user.a", "x", 1, 8));

    CHECK("dir: set user.d", setxattr(DIR, "user.d", "dd", 2, 0));
    show_value("dir: get user.d", getxattr(DIR, "user.d", buf, sizeof buf), buf);

    CHECK("symlink", symlink("f", LINK));
    show_value("get through the link", getxattr(LINK, "user.a", buf, sizeof buf), buf);
    CHECK("lget user.a on the link", lgetxattr(LINK, "user.a", buf, sizeof buf));
    CHECK("lset user.a on the link", lsetxattr(LINK, "user.a", "x", 1, 0));
    CHECK("lset trusted.l on the link", lsetxattr(LINK, "trusted.l", "ll", 2, 0));
    show_list("llist the link", llistxattr(LINK, list, sizeof list), list);
    CHECK("lremove user.a on the link", lremovexattr(LINK, "user.a"));
    CHECK("lremove trusted.l", lremovexattr(LINK, "trusted.l"));

    int p[2];
    pipe(p);
    CHECK("pipe: fget user.a", fgetxattr(p[0], "user.a", buf, sizeof buf));
    CHECK("pipe: fset user.a", fsetxattr(p[1], "user.a", "x", 1, 0));
    CHECK("pipe: fget trusted.a", fgetxattr(p[0], "trusted.a", buf, sizeof buf));
    CHECK("pipe: flist", flistxattr(p[0], list, sizeof list));

    CHECK("proc: get user.a", getxattr("/proc/self/status", "user.a", buf, sizeof buf));
    CHECK("proc: set user.a", setxattr("/proc/self/status", "user.a", "x", 1, 0));
    CHECK("proc: get trusted.a", getxattr("/proc/self/status", "trusted.a", buf, sizeof buf));
    CHECK("proc: list", listxattr("/proc/self/status", list, sizeof list));
    CHECK("proc: remove user.a", removexattr("/proc/self/status", "user.a"));

    fchmod(fd, 0600);
    pid_t pid = fork();
    if (pid == 0) {
        setresuid(1000, 1000, 1000);
        CHECK("uid 1000: get user.a (mode 0600)", getxattr(FILE_, "user.a", buf, sizeof buf));
        CHECK("uid 1000: set user.x (mode 0600)", setxattr(FILE_, "user.x", "x", 1, 0));
        CHECK("uid 1000: get trusted.t", getxattr(FILE_, "trusted.t", buf, sizeof buf));
        CHECK("uid 1000: set trusted.x", setxattr(FILE_, "trusted.x", "x", 1, 0));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    fchmod(fd, 0666);
    pid = fork();
    if (pid == 0) {
        setresuid(1000, 1000, 1000);
        show_value("uid 1000: get user.a (mode 0666)",
                   getxattr(FILE_, "user.a", buf, sizeof buf), buf);
        show_list("uid 1000: list (no trusted.*)", listxattr(FILE_, list, sizeof list), list);
        _exit(0);
    }
    waitpid(pid, NULL, 0);

    close(fd);
    close(p[0]);
    close(p[1]);
    unlink(LINK);
    unlink(FILE_);
    rmdir(DIR);
    puts("SUCCESS");
    return 0;
}
