/* Lists /dev (every node a program can open), says it is ready, and waits
 * for SIGTERM, on which it exits 0 (tests/boot/control.py). */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_term(int sig) { got = sig; }

static int by_name(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(void) {
  signal(SIGTERM, on_term);
  char* names[64];
  int n = 0;
  DIR* d = opendir("/dev");
  struct dirent* e;
  while (d && n < 64 && (e = readdir(d)))
    if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  qsort(names, (size_t)n, sizeof names[0], by_name);
  printf("dev:");
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\nready\n");
  fflush(stdout);
  while (!got) pause();
  printf("got SIGTERM\n");
  return 0;
}
