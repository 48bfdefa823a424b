/*
 * Negative tests: each mode makes the program fault in a different way, and
 * every one must end it with status 139 (128 + SIGSEGV), never hang the guest
 * or take the kernel down.
 *
 *   write-text      write into the program's own code (text is read-only)
 *   exec-data       jump into a writable, non-executable buffer (NX)
 *   stack-overflow  unbounded recursion into the stack guard
 *   thread-null     a NULL write in a second thread while main waits in join
 *   kernel-pointer  read a kernel address from user mode
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) int victim(int x) { return x + 1; }

__attribute__((noinline)) unsigned long recurse(volatile unsigned long depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth == ~0UL) /* never: keeps the compiler from calling this infinite */
        return 0;
    return recurse(depth + 1) + pad[0];
}

static void *thread_null(void *arg)
{
    (void)arg;
    *(volatile int *)(uintptr_t)0 = 1;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    printf("fault: %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "write-text") == 0) {
        *(volatile unsigned char *)(uintptr_t)&victim = 0xc3;
    } else if (strcmp(mode, "exec-data") == 0) {
        static unsigned char code[16] = {0xc3}; /* ret */
        ((void (*)(void))(uintptr_t)code)();
    } else if (strcmp(mode, "stack-overflow") == 0) {
        printf("%lu\n", recurse(0));
    } else if (strcmp(mode, "thread-null") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, thread_null, NULL);
        pthread_join(t, NULL);
    } else if (strcmp(mode, "kernel-pointer") == 0) {
        printf("%d\n", *(volatile int *)(uintptr_t)0xffffffff80100000ULL);
    } else {
        puts("unknown mode");
        return 2;
    }
    printf("survived %s (victim %d)\n", mode, victim(1));
    return 1;
}
