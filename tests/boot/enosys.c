/*
 * A system call the kernel lacks returns -ENOSYS and never crashes the guest;
 * kiln reports it once by name on the console.  create_module and tuxcall are
 * gone from Linux too (sys_ni_syscall), so the host gives ENOSYS as well.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void call(const char *name, long nr)
{
    for (int i = 0; i < 2; i++) {
        errno = 0;
        long r = syscall(nr, 0, 0, 0, 0, 0, 0);
        printf("%s: %ld %s\n", name, r, r == -1 && errno == ENOSYS ? "ENOSYS" : strerror(errno));
        fflush(stdout);
    }
}

int main(void)
{
    call("create_module", SYS_create_module);
    call("tuxcall", SYS_tuxcall);
    puts("still running");
    return 0;
}
