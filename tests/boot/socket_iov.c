/* readv/writev on sockets are one recvmsg/sendmsg: on a datagram socket,
   the pieces of one writev are one datagram and one readv takes one
   datagram across its buffers; on stream sockets (AF_UNIX, TCP over
   loopback) every byte arrives in order. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void send_three(int fd) {
  struct iovec out[3] = {{"first,", 6}, {"", 0}, {"second", 6}};
  printf("writev: %zd\n", writev(fd, out, 3));
}

static void read_two(int fd, const char* what) {
  char a[5] = {0}, b[32] = {0};
  struct iovec in[2] = {{a, sizeof a}, {b, sizeof b - 1}};
  ssize_t n = readv(fd, in, 2);
  printf("%s readv: %zd [%.5s] [%s]\n", what, n, a, b);
}

int main(void) {
  int dg[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, dg);
  send_three(dg[0]);
  send(dg[0], "next", 4, 0);
  read_two(dg[1], "datagram");
  read_two(dg[1], "datagram");

  int st[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, st);
  send_three(st[0]);
  close(st[0]);
  read_two(st[1], "unix stream");
  read_two(st[1], "unix stream at EOF");

  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(l, (struct sockaddr*)&sa, sizeof sa);
  socklen_t len = sizeof sa;
  getsockname(l, (struct sockaddr*)&sa, &len);
  listen(l, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr*)&sa, sizeof sa);
  int s = accept(l, NULL, NULL);
  send_three(c);
  shutdown(c, SHUT_WR);
  char all[64];
  size_t got = 0;
  for (ssize_t n; (n = read(s, all + got, sizeof all - 1 - got)) > 0;) got += (size_t)n;
  all[got] = 0;
  printf("tcp: %zu bytes [%s]\n", got, all);
  return 0;
}
