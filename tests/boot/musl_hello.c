/* A static musl program: musl's own startup, TLS setup and stdio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread int tls_counter = 5;

int main(int argc, char **argv)
{
    (void)argv;
    tls_counter += argc;
    char *buf = malloc(64);
    if (!buf)
        return 2;
    strcpy(buf, "Hello from musl");
    printf("%s, tls=%d\n", buf, tls_counter);
    free(buf);
    return 0;
}
