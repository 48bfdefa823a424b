/*
 * Dual-stack sockets over loopback: an AF_INET6 socket bound to :: with
 * IPV6_V6ONLY off takes IPv4 peers and names them, and itself, with
 * IPv4-mapped addresses (::ffff:127.0.0.1) in accept, getpeername,
 * getsockname and recvfrom. Also what glibc's getaddrinfo does to sort its
 * answers (python3 -m http.server without --bind): an IPv6 UDP socket
 * connect()ed in turn to each answer, getsockname after each, AF_UNSPEC
 * in between. Differential: identical output natively.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

/* "ADDR port P", P as "=" when it equals `port`, "0" or "N" otherwise. */
static void show(const char *label, const struct sockaddr_storage *ss, socklen_t len, int port)
{
    char text[64] = "?";
    int p = -1;
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        p = ntohs(a->sin6_port);
    } else if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        p = ntohs(a->sin_port);
    }
    printf("%-32s %s, length %u, port %s\n", label, text, len,
           p == port ? "=" : p == 0 ? "0" : "N");
}

static void local(const char *label, int fd, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        CHECK(label, -1);
    else
        show(label, &ss, len, port);
}

static void peer(const char *label, int fd, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        CHECK(label, -1);
    else
        show(label, &ss, len, port);
}

static int port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);  /* same offset in sockaddr_in6 */
}

static int dual_socket(int type)
{
    int fd = socket(AF_INET6, type, 0);
    int off = 0, v = -1;
    socklen_t len = sizeof v;
    getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len);
    printf("IPV6_V6ONLY by default: %d\n", v);
    CHECK("IPV6_V6ONLY 0", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
    struct sockaddr_in6 any = {.sin6_family = AF_INET6};
    CHECK("bind [::]:0", bind(fd, (struct sockaddr *)&any, sizeof any));
    return fd;
}

static struct sockaddr_in v4_addr(uint32_t host, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(host);
    return a;
}

static void tcp(void)
{
    printf("-- TCP: 127.0.0.1 to a [::] listener\n");
    int l = dual_socket(SOCK_STREAM);
    CHECK("listen", listen(l, 4));
    int lport = port_of(l);
    local("listener getsockname", l, lport);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = v4_addr(INADDR_LOOPBACK, lport);
    CHECK("connect 127.0.0.1", connect(c, (struct sockaddr *)&to, sizeof to));
    int cport = port_of(c);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int s = accept(l, (struct sockaddr *)&ss, &len);
    CHECK("accept", s >= 0 ? 0 : -1);
    show("accept's peer", &ss, len, cport);
    peer("accepted getpeername", s, cport);
    local("accepted getsockname", s, lport);
    peer("client getpeername", c, lport);
    local("client getsockname", c, cport);
    char buf[8] = "";
    CHECK("send", send(c, "ping", 4, 0));
    CHECK("recv", recv(s, buf, sizeof buf, 0));
    close(s);
    close(c);
    close(l);
}

static void udp(void)
{
    printf("-- UDP: 127.0.0.1 to a [::] socket\n");
    int d = dual_socket(SOCK_DGRAM);
    int dport = port_of(d);
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = v4_addr(INADDR_LOOPBACK, dport);
    CHECK("sendto 127.0.0.1", sendto(c, "hello", 5, 0, (struct sockaddr *)&to, sizeof to));
    int cport = port_of(c);
    char buf[16];
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    CHECK("recvfrom", recvfrom(d, buf, sizeof buf, 0, (struct sockaddr *)&ss, &len));
    show("recvfrom's source", &ss, len, cport);
    CHECK("sendto the mapped source", sendto(d, "back", 4, 0, (struct sockaddr *)&ss, len));
    len = sizeof ss;
    CHECK("recvfrom on the IPv4 side", recvfrom(c, buf, sizeof buf, 0, (struct sockaddr *)&ss, &len));
    show("its source", &ss, len, dport);
    close(c);
    close(d);
}

static void connect_and_name(int fd, const char *label, const void *addr, socklen_t len)
{
    CHECK(label, connect(fd, (const struct sockaddr *)addr, len));
    local("  getsockname", fd, -1);
}

/* glibc's RFC 3484 sort in getaddrinfo, step by step. */
static void source_addresses(void)
{
    printf("-- UDP connect, getsockname, AF_UNSPEC\n");
    struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6, .sin6_port = htons(9),
                               .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct sockaddr_in6 any6 = {.sin6_family = AF_INET6};
    struct sockaddr_in6 mapped = lo6;
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
    struct sockaddr_in lo4 = v4_addr(INADDR_LOOPBACK, 9), any4 = v4_addr(INADDR_ANY, 0);
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};

    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    local("fresh IPv6 socket", fd, -1);
    connect_and_name(fd, "connect [::1]:9", &lo6, sizeof lo6);
    connect_and_name(fd, "connect AF_UNSPEC", &unspec, sizeof unspec);
    peer("  getpeername", fd, -1);
    connect_and_name(fd, "connect [::]:0", &any6, sizeof any6);
    connect_and_name(fd, "connect AF_UNSPEC", &unspec, sizeof unspec);
    connect_and_name(fd, "connect AF_INET 127.0.0.1:9", &lo4, sizeof lo4);
    peer("  getpeername", fd, 9);
    connect_and_name(fd, "connect AF_UNSPEC", &unspec, sizeof unspec);
    connect_and_name(fd, "connect AF_INET 0.0.0.0:0", &any4, sizeof any4);
    connect_and_name(fd, "connect AF_UNSPEC", &unspec, sizeof unspec);
    connect_and_name(fd, "connect [::ffff:127.0.0.1]:9", &mapped, sizeof mapped);
    close(fd);

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    connect_and_name(fd, "IPv4 socket: connect 127.0.0.1:9", &lo4, sizeof lo4);
    connect_and_name(fd, "connect AF_UNSPEC", &unspec, sizeof unspec);
    close(fd);

    /* An address the program bound stays through AF_UNSPEC. */
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in bound = v4_addr(INADDR_LOOPBACK, 0);
    CHECK("bind 127.0.0.1:0", bind(fd, (struct sockaddr *)&bound, sizeof bound));
    int port = port_of(fd);
    connect_and_name(fd, "connect 127.0.0.1:9", &lo4, sizeof lo4);
    CHECK("connect AF_UNSPEC", connect(fd, &unspec, sizeof unspec));
    local("  getsockname", fd, port);
    close(fd);

    int on = 1;
    fd = socket(AF_INET6, SOCK_DGRAM, 0);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    CHECK("V6ONLY: connect [::ffff:127.0.0.1]:9", connect(fd, (struct sockaddr *)&mapped, sizeof mapped));
    close(fd);
}

/* The call python's http.server makes first; it must not abort. */
static void passive_lookup(void)
{
    printf("-- getaddrinfo(NULL, \"8000\", AI_PASSIVE)\n");
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res;
    int r = getaddrinfo(NULL, "8000", &hints, &res);
    printf("getaddrinfo: %d\n", r);
    if (r)
        return;
    int v4 = 0, v6 = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next)
        a->ai_family == AF_INET6 ? v6++ : v4++;
    printf("answers: %d IPv4, %d IPv6\n", v4, v6);
    freeaddrinfo(res);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tcp();
    udp();
    source_addresses();
    passive_lookup();
    return 0;
}
