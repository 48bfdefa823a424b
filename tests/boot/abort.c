/* abort() ends the program with status 134 (128 + SIGABRT). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    puts("calling abort");
    fflush(stdout);
    abort();
}
