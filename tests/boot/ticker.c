/* Three lines, 300 ms apart: for following a console as it is written
 * (tests/boot/consoles.py). */
#include <stdio.h>
#include <time.h>

int main(void)
{
    for (int i = 1; i <= 3; i++) {
        if (i > 1)
            nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
        printf("tick %d\n", i);
        fflush(stdout);
    }
    return 0;
}
