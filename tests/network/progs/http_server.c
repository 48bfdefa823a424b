/*
 * A small HTTP/1.1 server for tests/network/http.py and bench/net.sh, one
 * thread per connection, keep-alive by default:
 *   GET /bytes/N  N bytes of a fixed pattern (byte i is (i * 7 + i / 251) & 255)
 *   GET /hello    "Hello, World\n"
 *   GET /quit     answers, then the server exits 0 once the reply is sent
 * Anything else is 404. Every reply has a Content-Length.
 */
#include <pthread.h>

#include "net_util.h"

static unsigned char pattern(unsigned long i) { return (unsigned char)((i * 7 + i / 251) & 255); }

static int reply(int fd, const char *status, const void *body, size_t len, int close_after)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n%s\r\n",
                     status, len, close_after ? "Connection: close\r\n" : "");
    if (send_all(fd, head, (size_t)n) < 0)
        return -1;
    return send_all(fd, body, len);
}

static int send_pattern(int fd, unsigned long len)
{
    char head[160];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %lu\r\n\r\n", len);
    if (send_all(fd, head, (size_t)n) < 0)
        return -1;
    unsigned char chunk[16384];
    for (unsigned long off = 0; off < len;) {
        size_t k = len - off < sizeof chunk ? (size_t)(len - off) : sizeof chunk;
        for (size_t i = 0; i < k; i++)
            chunk[i] = pattern(off + i);
        if (send_all(fd, chunk, k) < 0)
            return -1;
        off += k;
    }
    return 0;
}

/* Serves one request in REQ; 1 to keep the connection, 0 to close it. */
static int serve_request(int fd, char *req)
{
    char method[8], path[256];
    if (sscanf(req, "%7s %255s", method, path) != 2 || strcmp(method, "GET") != 0) {
        reply(fd, "400 Bad Request", "", 0, 1);
        return 0;
    }
    int keep = strstr(req, "\r\nConnection: close") == NULL;
    unsigned long n;
    if (strcmp(path, "/hello") == 0)
        return reply(fd, "200 OK", "Hello, World\n", 13, !keep) == 0 && keep;
    if (sscanf(path, "/bytes/%lu", &n) == 1 && n <= (64ul << 20))
        return send_pattern(fd, n) == 0 && keep;
    if (strcmp(path, "/quit") == 0) {
        reply(fd, "200 OK", "bye\n", 4, 1);
        shutdown(fd, SHUT_WR);
        printf("http_server: quit\n");
        exit(0); /* exit closes the socket; the stack still delivers the reply */
    }
    return reply(fd, "404 Not Found", "", 0, !keep) == 0 && keep;
}

static void *connection(void *arg)
{
    int fd = (int)(long)arg;
    static __thread char buf[8192];
    size_t len = 0;
    for (;;) {
        char *end;
        while (!(end = memmem(buf, len, "\r\n\r\n", 4))) {
            if (len == sizeof buf - 1)
                goto done; /* a header this long is not a test's */
            ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
            if (n <= 0)
                goto done;
            len += (size_t)n;
        }
        *end = 0;
        size_t used = (size_t)(end + 4 - buf);
        if (!serve_request(fd, buf))
            break;
        memmove(buf, buf + used, len - used);
        len -= used;
    }
done:
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: http_server PORT\n");
        return 2;
    }
    int lfd = listen_any(port_arg(argv[1]));
    printf("http_server: ready\n");
    fflush(stdout);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            die("accept");
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 128 * 1024);
        if (pthread_create(&t, &attr, connection, (void *)(long)fd) != 0) {
            fprintf(stderr, "http_server: no thread\n");
            close(fd);
        }
    }
}
