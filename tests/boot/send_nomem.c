/*
 * A blocking TCP send() while the kernel has no memory for the socket's
 * buffers must wait for memory, not spin: here another thread gives the
 * memory back a moment later and the 4 MiB transfer then completes. Under
 * kiln a spinning send kept the CPU in the kernel for good (no preemption
 * there), so neither that thread nor the network thread ever ran again
 * (php-cgi behind nginx, its memory full of TIME_WAIT connections).
 * In a small machine (MemTotal under 1 GiB: kiln with -M 32) the program
 * first touches pages until almost no frame is free; natively it does not,
 * and the output is the same.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (4u << 20)
#define PAGE 4096ul

static unsigned char sendbuf[TOTAL];
static unsigned char recvbuf[65536];
static atomic_int squeezed;
static char *hog;
static size_t hog_len;
static int server_fd;
static uint32_t received, mismatches;

static unsigned char pattern(uint32_t i) { return (unsigned char)(i * 2654435761u >> 24); }

/* A /proc/meminfo field in kB, or -1. */
static long meminfo(const char *field)
{
    static char text[4096];
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char *at = strstr(text, field);
    return at ? strtol(at + strlen(field) + 1, NULL, 10) : -1;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Waits until memory is short, then (after 300 ms, while the sender is
 * stuck) gives it back and reads the whole stream. */
static void *receiver(void *arg)
{
    (void)arg;
    while (!atomic_load(&squeezed))
        nap_ms(10);
    if (hog) {
        nap_ms(300);
        munmap(hog, hog_len);
    }
    for (;;) {
        ssize_t n = recv(server_fd, recvbuf, sizeof recvbuf, 0);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            mismatches += recvbuf[i] != pattern(received + (uint32_t)i);
        received += (uint32_t)n;
    }
    return NULL;
}

/* Touches fresh pages until fewer than 192 kB of frames are left. */
static void squeeze(long total_kb)
{
    hog_len = (size_t)total_kb * 1024;
    hog = mmap(NULL, hog_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (hog == MAP_FAILED) {
        hog = NULL;
        return;
    }
    for (size_t off = 0; off < hog_len; off += PAGE) {
        if (off % (16 * PAGE) == 0 && meminfo("MemFree:") < 192)
            break;
        hog[off] = 1;
    }
}

int main(void)
{
    for (uint32_t i = 0; i < TOTAL; i++)
        sendbuf[i] = pattern(i);
    int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 1) ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) || connect(cfd, (struct sockaddr *)&a, sizeof a) ||
        (server_fd = accept(lfd, NULL, NULL)) < 0) {
        perror("send_nomem: loopback connection");
        return 1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t t;
    if (pthread_create(&t, &attr, receiver, NULL)) {
        puts("send_nomem: pthread_create failed");
        return 1;
    }
    long total = meminfo("MemTotal:");
    if (total > 0 && total < (1l << 20))
        squeeze(total);
    atomic_store(&squeezed, 1);

    uint32_t sent = 0;
    while (sent < TOTAL) {
        ssize_t n = send(cfd, sendbuf + sent, TOTAL - sent, 0);
        if (n <= 0) {
            perror("send_nomem: send");
            return 1;
        }
        sent += (uint32_t)n;
    }
    shutdown(cfd, SHUT_WR);
    pthread_join(t, NULL);
    printf("send_nomem: sent %u bytes\n", sent);
    printf("send_nomem: received %u bytes, %u different\n", received, mismatches);
    return received == TOTAL && mismatches == 0 ? 0 : 1;
}
