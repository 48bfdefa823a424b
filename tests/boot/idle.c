/* A service that runs until it is stopped (tests/boot/systemd_unit.py): it
 * says it is ready, then waits; SIGTERM ends it cleanly with status 0. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void stop(int sig)
{
    (void)sig;
    static const char msg[] = "idle: stopping\n";
    write(1, msg, sizeof msg - 1);
    _exit(0);
}

int main(void)
{
    signal(SIGTERM, stop);
    puts("idle: ready");
    fflush(stdout);
    for (;;)
        pause();
}
