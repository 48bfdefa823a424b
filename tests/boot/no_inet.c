// socket() for each family, as a program baked with a configuration without
// a network stack meets it (tests/boot/bake_configs.py): AF_UNIX works,
// AF_INET and AF_INET6 fail with EAFNOSUPPORT.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void try_family(const char* name, int family) {
  int fd = socket(family, SOCK_STREAM, 0);
  if (fd < 0) {
    printf("%s: %s\n", name, strerror(errno));
    return;
  }
  printf("%s: ok\n", name);
  close(fd);
}

int main(void) {
  try_family("AF_INET", AF_INET);
  try_family("AF_INET6", AF_INET6);
  try_family("AF_INET", AF_INET);
  try_family("AF_UNIX", AF_UNIX);
  return 0;
}
