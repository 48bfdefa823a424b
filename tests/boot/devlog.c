/*
 * syslog(3) into the kernel's /dev/log (boot.devlog): every message is one
 * console line with its priority and tag, whichever way it was sent; then
 * the program takes /dev/log over, as a syslog daemon of its own would.
 * Runs only inside kiln (it unlinks /dev/log): KILN_DEVLOG_TEST=1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

static void send_raw(int fd, const char *text)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
    if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&a, sizeof a) < 0)
        perror("sendto /dev/log");
}

int main(void)
{
    if (!getenv("KILN_DEVLOG_TEST")) {
        fprintf(stderr, "devlog: runs only inside kiln (it unlinks /dev/log)\n");
        return 2;
    }
    puts("devlog: start");
    fflush(stdout);
    syslog(LOG_INFO, "no openlog: tagged with the program's name");
    openlog("web", LOG_PID, LOG_LOCAL3);
    syslog(LOG_ERR, "disk %d%% full", 97);
    syslog(LOG_DEBUG | LOG_DAEMON, "a facility of its own");
    syslog(LOG_WARNING, "line one\nline two\n");
    closelog();
    openlog("", 0, LOG_USER);
    syslog(LOG_NOTICE, "an empty ident");
    closelog();

    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    send_raw(fd, "<12>raw: sent by hand");
    send_raw(fd, "no header at all");

    /* A daemon of the program's own: the kernel's socket lets go of the name. */
    unlink("/dev/log");
    int own = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
    if (bind(own, (struct sockaddr *)&a, sizeof a) < 0)
        perror("bind /dev/log");
    syslog(LOG_INFO, "to the program's own daemon");
    char buf[256];
    ssize_t n = recv(own, buf, sizeof buf - 1, 0);
    if (n > 20) {
        buf[n] = 0;
        /* "<14>Mmm dd hh:mm:ss " is 20 bytes: the rest does not vary. */
        printf("devlog: its own daemon got \"%.4s%s\"\n", buf, buf + 20);
    }
    puts("devlog: done");
    return 0;
}
