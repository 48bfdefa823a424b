/*
 * A small HTTP/1.1 server for tests/network/http.py and bench/net.sh, one
 * thread per connection, keep-alive by default:
 *   GET /bytes/N  N bytes of a fixed pattern (byte i is (i * 7 + i / 251) & 255)
 *   GET /hello    "Hello, World\n"
 *   GET /quit     answers, then the server exits 0 once the reply is sent
 * Anything else is 404. Every reply has a Content-Length; bodies are small
 * strings or the pattern.
 */
#include <pthread.h>

#include "net_util.h"

static unsigned char pattern(unsigned long i) { return (unsigned char)((i * 7 + i / 251) & 255); }

/* The header and the start of the body leave in one send: a second small
 * send would wait (Nagle) for the client's delayed ACK of the first. */
static int reply(int fd, const char *status, const char *body, int close_after)
{
    char msg[512];
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n%s\r\n%s",
                     status, strlen(body), close_after ? "Connection: close\r\n" : "", body);
    return send_all(fd, msg, (size_t)n);
}

static int send_pattern(int fd, unsigned long len)
{
    unsigned char chunk[16384];
    size_t k = (size_t)snprintf((char *)chunk, sizeof chunk,
                                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                "Content-Length: %lu\r\n\r\n", len);
    for (unsigned long off = 0;;) {
        while (k < sizeof chunk && off < len)
            chunk[k++] = pattern(off++);
        if (send_all(fd, chunk, k) < 0)
            return -1;
        if (off == len)
            return 0;
        k = 0;
    }
}

/* Serves one request in REQ; 1 to keep the connection, 0 to close it. */
static int serve_request(int fd, char *req)
{
    char method[8], path[256];
    if (sscanf(req, "%7s %255s", method, path) != 2 || strcmp(method, "GET") != 0) {
        reply(fd, "400 Bad Request", "", 1);
        return 0;
    }
    int keep = strstr(req, "\r\nConnection: close") == NULL;
    unsigned long n;
    if (strcmp(path, "/hello") == 0)
        return reply(fd, "200 OK", "Hello, World\n", !keep) == 0 && keep;
    if (sscanf(path, "/bytes/%lu", &n) == 1 && n <= (64ul << 20))
        return send_pattern(fd, n) == 0 && keep;
    if (strcmp(path, "/quit") == 0) {
        reply(fd, "200 OK", "bye\n", 1);
        shutdown(fd, SHUT_WR);
        printf("http_server: quit\n");
        exit(0); /* exit closes the socket; the stack still delivers the reply */
    }
    return reply(fd, "404 Not Found", "", !keep) == 0 && keep;
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
