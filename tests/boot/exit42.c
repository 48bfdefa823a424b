/* main's return value must reach the host as the launcher's exit status. */
#include <stdio.h>

int main(void)
{
    puts("exiting with 42");
    return 42;
}
