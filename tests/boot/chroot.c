/*
 * chroot: absolute paths, ".." and absolute symlinks stay inside the new
 * root; getcwd answers inside it; the lookup's errors come before the
 * privilege check (EPERM for uid 1000); a child inherits the root.
 * Differential (run as root; each chroot happens in a child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define JAIL "/tmp/kiln-chroot"

static void show_file(const char *label, const char *path)
{
    char buf[64];
    int fd = open(path, O_RDONLY);
    CHECK(label, fd);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, sizeof buf);
    printf("  [%.*s]\n", (int)(n < 0 ? 0 : n), buf);
    close(fd);
}

static void show_cwd(void)
{
    char buf[256];
    printf("  cwd %s\n", getcwd(buf, sizeof buf) ? buf : strerrorname_np(errno));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir(JAIL, 0755);
    mkdir(JAIL "/sub", 0755);
    int fd = open(JAIL "/marker", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "inside", 6);
    close(fd);
    unlink(JAIL "/abs");
    symlink("/marker", JAIL "/abs");
    unlink(JAIL "/sub/up");
    symlink("../../../marker", JAIL "/sub/up");

    CHECK("chroot no such dir", chroot(JAIL "/none"));
    CHECK("chroot a file", chroot(JAIL "/marker"));
    pid_t pid = fork();
    if (pid == 0) {
        CHECK("chroot", chroot(JAIL));
        show_cwd(); /* still outside: Linux leaves the cwd alone */
        CHECK("chdir /", chdir("/"));
        show_cwd();
        show_file("open /marker", "/marker");
        show_file("open /../../marker", "/../../marker");
        show_file("open through an absolute link", "/abs");
        show_file("open through ../../../marker", "/sub/up");
        CHECK("stat /tmp (outside)", access("/tmp", F_OK));
        CHECK("chdir sub", chdir("sub"));
        show_cwd();
        CHECK("chdir ../..", chdir("../.."));
        show_cwd();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            show_file("grandchild opens /marker", "/marker");
            _exit(0);
        }
        waitpid(grandchild, NULL, 0);
        CHECK("chroot again, to sub", chroot("sub"));
        show_file("then /marker", "/marker");
        CHECK("setresuid 1000", setresuid(1000, 1000, 1000));
        CHECK("chroot as uid 1000", chroot("/"));
        CHECK("chroot as uid 1000, no such dir", chroot("/none"));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    show_file("the parent is not chrooted", JAIL "/marker");
    unlink(JAIL "/sub/up");
    unlink(JAIL "/abs");
    unlink(JAIL "/marker");
    rmdir(JAIL "/sub");
    rmdir(JAIL);
    puts("SUCCESS");
    return 0;
}
