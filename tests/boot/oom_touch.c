/*
 * Each 40 MiB allocation fits the guest, their sum does not: the kernel
 * runs out of frames while the pages are touched and must end the program
 * with an "out of memory" report and status 137 (what Linux's OOM killer
 * gives), never hang. Natively (RLIMIT_AS) malloc fails first: status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (40UL << 20)

int main(void)
{
    for (int i = 0; i < 8; i++) {
        char *p = malloc(CHUNK);
        if (!p) {
            puts("oom_touch: malloc failed");
            return 1;
        }
        memset(p, 0xa5, CHUNK);
        printf("oom_touch: chunk %d touched\n", i);
        fflush(stdout);
    }
    puts("oom_touch: all 320 MiB touched");
    return 0;
}
