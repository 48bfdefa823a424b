/*
 * A write through a NULL pointer: the program must end with status 139
 * (128 + SIGSEGV), and kiln must print the fault with a symbolized backtrace
 * naming write_through_null (built with -g -fno-omit-frame-pointer).
 */
#include <stdio.h>

__attribute__((noinline)) void write_through_null(int *volatile *slot)
{
    int *p = *slot;
    *p = 42;
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void caller_of_fault(void)
{
    int *volatile p = NULL;
    write_through_null(&p);
    __asm__ volatile("" ::: "memory");
}

int main(void)
{
    puts("dereferencing NULL");
    fflush(stdout);
    caller_of_fault();
    puts("still alive after NULL write");
    return 1;
}
