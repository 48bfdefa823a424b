/*
 * argv and the environment reach main.
 *
 * Prints argc, then every argument (argv[0] reduced to its base name, since the
 * host runs it by path and kiln by its manifest name).  An argument of the form
 * "@NAME" also prints the value of environment variable NAME, or "NAME unset",
 * so the test chooses which variables to check and the rest of the environment
 * (which differs between the host and kiln) is never printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;
    printf("argv[0]=[%s]\n", slash ? slash + 1 : (argv[0] ? argv[0] : "(null)"));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    if (argv[argc] != NULL) {
        puts("argv is not NULL-terminated");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '@')
            continue;
        const char *name = argv[i] + 1;
        const char *value = getenv(name);
        if (value)
            printf("env %s=[%s]\n", name, value);
        else
            printf("env %s unset\n", name);
    }
    return 0;
}
