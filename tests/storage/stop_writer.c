/* Writes files into DIR until SIGTERM, then a marker file naming the last
 * one (tests/storage/stop.py):
 *   stop_writer DIR term     SIGTERM ends the loop, the marker follows
 *   stop_writer DIR ignore   SIGTERM is ignored: it writes until killed
 * Each file is f00001, f00002...: "file N\n" 300 times, so several blocks,
 * and "wrote fNNNNN" is printed only once it is closed. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

static void put(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(path);
    exit(1);
  }
  size_t len = strlen(text);
  if (write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
    perror(path);
    exit(1);
  }
}

int main(int argc, char** argv) {
  if (argc != 3 || (strcmp(argv[2], "term") && strcmp(argv[2], "ignore"))) {
    fprintf(stderr, "usage: stop_writer DIR term|ignore\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!strcmp(argv[2], "ignore")) {
    signal(SIGTERM, SIG_IGN);
  } else {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
  }
  static char body[4096];
  char path[512];
  int n = 0;
  while (!stopping) {
    n++;
    size_t len = 0;
    for (int i = 0; i < 300; i++) len += (size_t)snprintf(body + len, sizeof body - len, "file %d\n", n);
    snprintf(path, sizeof path, "%s/f%05d", argv[1], n);
    put(path, body);
    printf("wrote f%05d\n", n);
    usleep(10000);
  }
  snprintf(body, sizeof body, "stopped after %d files\n", n);
  snprintf(path, sizeof path, "%s/marker", argv[1]);
  put(path, body);
  printf("marker written\n");
  return 0;
}
