/*
 * malloc 256 MiB, touch every page, read it all back and check a checksum.
 * In a 512 MiB guest this prints OK.  In a 64 MiB guest it must fail cleanly:
 * either malloc fails (we print "out of memory" and exit 1) or the kernel
 * runs out of pages while we touch them and ends us with an
 * "out of memory" message and a non-zero status -- never a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SIZE (256UL << 20)
#define PAGE 4096UL

static uint64_t pattern(uint64_t page)
{
    uint64_t x = page * 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
}

int main(void)
{
    volatile uint64_t *mem = malloc(SIZE);
    if (!mem) {
        puts("bigmem: malloc(256 MiB) failed: out of memory");
        return 1;
    }
    puts("bigmem: allocated 256 MiB");
    fflush(stdout);

    const uint64_t pages = SIZE / PAGE;
    const uint64_t words = PAGE / sizeof(uint64_t);
    uint64_t expect = 0;
    for (uint64_t p = 0; p < pages; p++) {
        /* two words per page, at an offset that varies with the page */
        uint64_t v = pattern(p);
        mem[p * words + (p % words)] = v;
        mem[p * words + words - 1 - (p % (words / 2))] = ~v;
        expect += v + ~v;
    }
    puts("bigmem: touched every page");
    fflush(stdout);

    uint64_t sum = 0, bad = 0;
    for (uint64_t p = 0; p < pages; p++) {
        uint64_t v = pattern(p);
        uint64_t a = mem[p * words + (p % words)];
        uint64_t b = mem[p * words + words - 1 - (p % (words / 2))];
        if (a != v || b != ~v)
            bad++;
        sum += a + b;
        /* an untouched word of a touched page must still be zero */
        if (p % words != 1 && words - 1 - (p % (words / 2)) != 1 && mem[p * words + 1] != 0)
            bad++;
    }
    if (bad || sum != expect) {
        printf("bigmem: checksum mismatch: %llu bad pages\n", (unsigned long long)bad);
        return 1;
    }
    free((void *)mem);
    puts("bigmem: OK");
    return 0;
}
