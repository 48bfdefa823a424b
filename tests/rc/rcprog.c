/* One program, several roles, for the rc tests (tests/rc/run.py): kiln
   runs it more than once from one image, in pipelines, in the background. */
#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t terminated;

static void on_term(int sig) { terminated = sig; }

static void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: rcprog emit N | upper | await FILE | touch FILE | status N | crash | who | term NAME\n");
    return 2;
  }
  const char* role = argv[1];
  if (!strcmp(role, "emit") && argc == 3) {
    int n = atoi(argv[2]);
    for (int i = 1; i <= n; i++) printf("line %d of %d\n", i, n);
    return 0;
  }
  if (!strcmp(role, "upper")) {
    /* Reads its stdin to EOF: the pipe's writer must have exited. */
    char buf[256];
    int lines = 0;
    while (fgets(buf, sizeof buf, stdin)) {
      for (char* p = buf; *p; p++) *p = (char)toupper((unsigned char)*p);
      fputs(buf, stdout);
      lines++;
    }
    printf("upper: %d lines, then EOF\n", lines);
    return 0;
  }
  if (!strcmp(role, "await") && argc == 3) {
    /* In the background: waits for a later program to create FILE. */
    struct stat st;
    for (int tries = 0; stat(argv[2], &st) != 0; tries++) {
      if (tries == 3000) {
        printf("await: %s never appeared\n", argv[2]);
        return 1;
      }
      nap_ms(10);
    }
    printf("await: %s appeared\n", argv[2]);
    return 0;
  }
  if (!strcmp(role, "touch") && argc == 3) {
    /* Said before it is done: a program waiting for the file then prints after this. */
    printf("touch: creating %s\n", argv[2]);
    fflush(stdout);
    return open(argv[2], O_CREAT | O_WRONLY, 0644) >= 0 ? 0 : 1;
  }
  if (!strcmp(role, "status") && argc == 3) {
    printf("status: exiting with %s\n", argv[2]);
    return atoi(argv[2]);
  }
  if (!strcmp(role, "crash")) {
    fflush(stdout);
    *(volatile int*)16 = 1;
    return 0;
  }
  if (!strcmp(role, "term") && argc == 3) {
    /* Waits for SIGTERM, then takes a while to end: a program stopped
       after it must not hear of the stop before it is gone. */
    signal(SIGTERM, on_term);
    printf("%s: ready\n", argv[2]);
    fflush(stdout);
    while (!terminated) pause();
    printf("%s: got SIGTERM\n", argv[2]);
    fflush(stdout);
    nap_ms(200);
    printf("%s: exiting\n", argv[2]);
    return 0;
  }
  if (!strcmp(role, "who")) {
    printf("who: pid>1 %d, parent %d, argv0 %s\n", getpid() > 1, (int)getppid(), argv[0]);
    return 0;
  }
  fprintf(stderr, "rcprog: unknown role %s\n", role);
  return 2;
}
