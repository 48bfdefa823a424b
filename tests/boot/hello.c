/* The smallest boot test: one line on stdout, status 0. */
#include <stdio.h>

int main(void)
{
    puts("Hello, World");
    return 0;
}
