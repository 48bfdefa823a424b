/*
 * /proc and /dev as glibc and servers use them. Prints facts that hold on
 * any Linux (so the native run matches), not values that differ.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n, total = 0;
    while ((n = read(fd, buf + total, cap - 1 - (size_t)total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return (int)total;
}

static int contains(const char *path, const char *needle)
{
    static char buf[65536];
    return slurp(path, buf, sizeof buf) >= 0 && strstr(buf, needle) != NULL;
}

int main(int argc, char **argv)
{
    (void)argc;
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    const char *slash = strrchr(buf, '/');
    printf("/proc/self/exe names this program: %d\n", slash && strcmp(slash + 1, "procdev") == 0);
    int len = slurp("/proc/self/cmdline", buf, sizeof buf);
    printf("cmdline holds argv: %d\n", len > 0 && strcmp(buf + strlen(buf) + 1, argv[1]) == 0);
    printf("status has Name, Pid, Threads, VmRSS: %d\n",
           contains("/proc/self/status", "Name:") && contains("/proc/self/status", "\nPid:") &&
               contains("/proc/self/status", "Threads:") && contains("/proc/self/status", "VmRSS:"));
    printf("stat starts with the pid: %d\n", slurp("/proc/self/stat", buf, sizeof buf) > 0 &&
                                                    atoi(buf) == getpid());
    printf("maps shows the stack: %d\n", contains("/proc/self/maps", "[stack]"));
    printf("cpuinfo has processor and flags: %d\n",
           contains("/proc/cpuinfo", "processor") && contains("/proc/cpuinfo", "flags"));
    printf("meminfo has MemTotal and MemFree: %d\n",
           contains("/proc/meminfo", "MemTotal:") && contains("/proc/meminfo", "MemFree:"));
    printf("mounts lists /proc: %d\n", contains("/proc/mounts", " /proc proc "));
    printf("uptime and loadavg readable: %d\n",
           slurp("/proc/uptime", buf, sizeof buf) > 0 && slurp("/proc/loadavg", buf, sizeof buf) > 0);
    printf("osrelease starts with a digit: %d\n",
           slurp("/proc/sys/kernel/osrelease", buf, sizeof buf) > 0 && buf[0] >= '0' && buf[0] <= '9');
    printf("ostype is Linux: %d\n", contains("/proc/sys/kernel/ostype", "Linux\n"));
    printf("somaxconn is a number: %d\n",
           slurp("/proc/sys/net/core/somaxconn", buf, sizeof buf) > 0 && atoi(buf) > 0);
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("fd link names the directory: %s\n", buf);
    DIR *d = opendir("/proc/self/fd");
    int saw_fd = 0, entries = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        entries++;
        if (atoi(e->d_name) == fd)
            saw_fd = 1;
    }
    closedir(d);
    printf("/proc/self/fd lists it: %d (and more than 3 entries: %d)\n", saw_fd, entries > 3);
    close(fd);
    printf("nprocs >= 1: %d, sysinfo: %d\n", get_nprocs() >= 1, sysinfo(&(struct sysinfo){0}) == 0);

    fd = open("/dev/null", O_RDWR);
    ssize_t w = write(fd, "abc", 3), r = read(fd, buf, 10);
    printf("/dev/null: write %zd, read %zd\n", w, r);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 64);
    r = read(fd, buf, 64);
    printf("/dev/zero: read %zd, zeros %d\n", r, buf[0] == 0 && buf[63] == 0);
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    w = write(fd, "x", 1);
    printf("/dev/full: write %zd %s\n", w, strerrorname_np(errno));
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    printf("/dev/urandom: read %zd\n", read(fd, buf, 16));
    close(fd);
    struct stat st;
    stat("/dev/null", &st);
    printf("/dev/null is a character device: %d\n", S_ISCHR(st.st_mode));
    fflush(stdout);
    fd = open("/dev/stdout", O_WRONLY | O_APPEND);
    dprintf(fd, "written through /dev/stdout: %d\n", fd >= 0);
    close(fd);
    printf("/dev/shm is a directory: %d\n", stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode));
    printf("/etc/hosts knows localhost: %d\n", contains("/etc/hosts", "localhost"));
    printf("/etc/passwd has root: %d\n", contains("/etc/passwd", "root:x:0:0"));
    return 0;
}
