/*
 * Program text is mapped straight from the image, read-only: making a page
 * of it writable and patching an instruction must give the program its own
 * copy (copy-on-write), and the read-only data beside it must be intact.
 * Differential: Linux does the same with its private file mappings.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

__attribute__((noinline)) int answer(void)
{
    __asm__ volatile("");
    return 41;
}

static const char greeting[] = "read-only data intact";

int main(void)
{
    int (*volatile fn)(void) = answer;
    printf("before: %d\n", fn());
    uint8_t *code = (uint8_t *)answer;
    /* Find "mov $41, %eax" (b8 29 00 00 00) at the start of answer(). */
    int at = -1;
    for (int i = 0; i < 16; i++)
        if (code[i] == 0xb8 && code[i + 1] == 41 && code[i + 2] == 0) {
            at = i;
            break;
        }
    if (at < 0) {
        puts("no mov $41 in answer()");
        return 1;
    }
    uintptr_t page = (uintptr_t)code & ~(uintptr_t)4095;
    if (mprotect((void *)page, 8192, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("mprotect");
        return 1;
    }
    code[at + 1] = 42;
    printf("after patch: %d\n", fn());
    mprotect((void *)page, 8192, PROT_READ | PROT_EXEC);
    printf("after mprotect back: %d\n", fn());
    printf("%s\n", greeting);
    return 0;
}
