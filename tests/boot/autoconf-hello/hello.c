/* Built by ./configure --host=x86_64-kiln-linux && make. */
#include "config.h"
#include <stdio.h>

int main(void)
{
    printf("Hello from %s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
#ifdef HAVE_UNISTD_H
    puts("configure found unistd.h");
#endif
#ifdef HAVE_UNAME
    puts("configure found uname");
#endif
    return 0;
}
