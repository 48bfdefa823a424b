/*
 * memfd_create and file sealing: the file (mode, size, links, its
 * /proc/self/fd name, shared through fork and mmap), the flags, and each
 * seal as Linux enforces it: SEAL (no more seals), SHRINK, GROW, WRITE
 * (EBUSY while a writable shared mapping exists; no writable mapping
 * after), FUTURE_WRITE, EXEC (and the write seals it implies). A tmpfs
 * file under /dev/shm may be asked for its seals too. Differential.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x20
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 8
#define MFD_EXEC 0x10
#endif

static void show_stat(int fd)
{
    struct stat st;
    fstat(fd, &st);
    printf("  mode %o size %ld nlink %ld\n", st.st_mode, (long)st.st_size, (long)st.st_nlink);
}

static void show_link(int fd)
{
    char path[64], target[300];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("  link %s\n", target);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int fd = memfd_create("plain", 0);
    CHECK("memfd_create plain", fd >= 0);
    show_stat(fd);
    show_link(fd);
    CHECK("F_GETFL", fcntl(fd, F_GETFL));
    CHECK("F_GETFD (no cloexec)", fcntl(fd, F_GETFD));
    CHECK("write", write(fd, "hello memfd\n", 12));
    show_stat(fd);
    char buf[64] = {0};
    CHECK("pread", pread(fd, buf, sizeof buf, 0));
    printf("  %s", buf);
    CHECK("F_GET_SEALS (sealing not allowed)", fcntl(fd, F_GET_SEALS));
    CHECK("F_ADD_SEALS", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    pid_t pid = fork();
    if (pid == 0) {
        pwrite(fd, "HELLO", 5, 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    CHECK("pread after the child wrote", pread(fd, buf, 12, 0));
    printf("  %.12s", buf);
    close(fd);

    fd = memfd_create("cloexec", MFD_CLOEXEC);
    CHECK("F_GETFD (MFD_CLOEXEC)", fcntl(fd, F_GETFD));
    close(fd);
    CHECK("unknown flag", memfd_create("x", 0x100));
    CHECK("EXEC and NOEXEC_SEAL", memfd_create("x", MFD_EXEC | MFD_NOEXEC_SEAL));
    char longname[300];
    memset(longname, 'n', 249);
    longname[249] = 0;
    fd = memfd_create(longname, 0);
    CHECK("249-byte name", fd >= 0);
    close(fd);
    longname[249] = 'n';
    longname[250] = 0;
    CHECK("250-byte name", memfd_create(longname, 0));
    CHECK("name at a bad address", syscall(SYS_memfd_create, (void *)8, 0));

    fd = memfd_create("noexec", MFD_NOEXEC_SEAL);
    show_stat(fd);
    CHECK("NOEXEC_SEAL seals", fcntl(fd, F_GET_SEALS));
    CHECK("fchmod +x", fchmod(fd, 0755));
    CHECK("fchmod 0600 (no x change)", fchmod(fd, 0600));
    close(fd);

    fd = memfd_create("sealed", MFD_ALLOW_SEALING);
    CHECK("F_GET_SEALS (allowed)", fcntl(fd, F_GET_SEALS));
    CHECK("ftruncate 8192", ftruncate(fd, 8192));
    CHECK("unknown seal", fcntl(fd, F_ADD_SEALS, 0x40));
    CHECK("seal SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
    CHECK("ftruncate 4096", ftruncate(fd, 4096));
    CHECK("ftruncate 16384 (grow ok)", ftruncate(fd, 16384));
    CHECK("seal GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
    CHECK("ftruncate 20000", ftruncate(fd, 20000));
    CHECK("ftruncate 16384 (same)", ftruncate(fd, 16384));
    CHECK("pwrite inside", pwrite(fd, "abc", 3, 100));
    CHECK("pwrite across the end", pwrite(fd, buf, 10, 16380));
    static char page2[8192];
    CHECK("pwrite across the end, a page before", pwrite(fd, page2, 8192, 12288 - 100));
    CHECK("pwrite past the end", pwrite(fd, "x", 1, 16384));
    CHECK("fallocate past the end", fallocate(fd, 0, 0, 32768));
    CHECK("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 32768));
    char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("mmap shared writable", shared != MAP_FAILED);
    CHECK("seal WRITE while mapped", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    munmap(shared, 4096);
    char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK("mmap private writable", priv != MAP_FAILED);
    CHECK("seal WRITE (private maps do not count)", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    priv[100] = 'P'; /* a private copy */
    CHECK("seals", fcntl(fd, F_GET_SEALS));
    CHECK("write", write(fd, "x", 1));
    CHECK("pwrite inside", pwrite(fd, "x", 1, 0));
    CHECK("mmap shared writable", mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    CHECK("mmap shared read-only", ro != MAP_FAILED);
    printf("  reads %.3s\n", ro + 100);
    CHECK("mprotect it writable", mprotect(ro, 4096, PROT_READ | PROT_WRITE));
    CHECK("ftruncate 100 (shrink sealed)", ftruncate(fd, 100));
    CHECK("seal SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
    CHECK("seal anything more", fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
    CHECK("seals", fcntl(fd, F_GET_SEALS));
    int again = dup(fd);
    CHECK("a dup shares the seals", fcntl(again, F_GET_SEALS));
    close(again);
    close(fd);

    fd = memfd_create("exec", MFD_ALLOW_SEALING);
    int rd = dup(fd);
    CHECK("seal EXEC on a 0777 file", fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
    CHECK("seals (write seals implied)", fcntl(rd, F_GET_SEALS));
    CHECK("write", write(fd, "x", 1));
    close(fd);
    close(rd);

    fd = memfd_create("future", MFD_ALLOW_SEALING);
    CHECK("write", write(fd, "future", 6));
    CHECK("seal FUTURE_WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
    CHECK("write", write(fd, "x", 1));
    CHECK("ftruncate 0 (not sealed)", ftruncate(fd, 0));
    close(fd);

    int shm = open("/dev/shm/kiln-memfd", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK("tmpfs file: F_GET_SEALS", fcntl(shm, F_GET_SEALS));
    CHECK("tmpfs file: F_ADD_SEALS", fcntl(shm, F_ADD_SEALS, F_SEAL_WRITE));
    close(shm);
    unlink("/dev/shm/kiln-memfd");
    int p[2];
    pipe(p);
    CHECK("pipe: F_GET_SEALS", fcntl(p[0], F_GET_SEALS));
    CHECK("pipe: F_ADD_SEALS", fcntl(p[1], F_ADD_SEALS, F_SEAL_WRITE));
    puts("SUCCESS");
    return 0;
}
