/* A forked child keeps its command line when its parent execs another
   program: the child's /proc/self/cmdline comes from what it was forked
   with, which the parent's exec must not free under it. And
   /proc/self/exe names the file, not "/proc/self/exe", after an exec of
   /proc/self/exe (busybox sh runs its applets so), so it can exec itself
   again. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void print_cmdline(const char* who) {
  char buf[512];
  int fd = open("/proc/self/cmdline", O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
  if (fd >= 0) close(fd);
  printf("%s: cmdline", who);
  for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) printf(" [%s]", buf + i);
  printf("\n");
  char exe[256];
  ssize_t m = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[m > 0 ? m : 0] = 0;
  const char* base = strrchr(exe, '/');
  printf("%s: exe ends in /%s\n", who, base ? base + 1 : exe);
  fflush(stdout);
}

int main(int argc, char** argv) {
  if (argc == 1) {
    /* The first program: start a parent that runs from execve's strings. */
    pid_t p = fork();
    if (p == 0) {
      execl("/proc/self/exe", "exec_shared", "parent", "with some words", (char*)NULL);
      _exit(127);
    }
    int status;
    waitpid(p, &status, 0);
    printf("parent exited %d\n", WEXITSTATUS(status));
    return 0;
  }
  if (!strcmp(argv[1], "parent")) {
    int go[2];
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
      close(go[1]);
      char b;
      read(go[0], &b, 1); /* until the parent has exec'd */
      print_cmdline("child");
      _exit(7);
    }
    close(go[0]);
    char fd[16];
    snprintf(fd, sizeof fd, "%d", go[1]);
    execl("/proc/self/exe", "exec_shared", "replaced", fd, (char*)NULL);
    _exit(127);
  }
  if (!strcmp(argv[1], "replaced") && argc == 3) {
    /* Still the child's parent: release it, then wait for it. */
    print_cmdline("replaced");
    write(atoi(argv[2]), "x", 1);
    int status;
    wait(&status);
    printf("child exited %d\n", WEXITSTATUS(status));
    return 3;
  }
  return 2;
}
