/* Logs through syslog(3) for tests/network/syslog.py: with --syslog the
 * kernel sends each message to the server; the last one goes right before
 * exit, and one is longer than a datagram may be. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

int main(void)
{
    static char longest[10001];
    memset(longest, 'x', sizeof longest - 1);
    puts("syslog_client: start");
    fflush(stdout);
    openlog("web", LOG_PID, LOG_LOCAL3);
    syslog(LOG_ERR, "disk %d%% full", 97);
    syslog(LOG_INFO, "line one\nline two");
    closelog();
    openlog(NULL, LOG_PID, LOG_USER);  /* the tag is the program's name */
    syslog(LOG_NOTICE, "caf\xc3\xa9 under the program's name");
    syslog(LOG_DEBUG, "%s", longest);
    puts("syslog_client: done");
    fflush(stdout);
    syslog(LOG_WARNING, "the last words");
    return 0;
}
