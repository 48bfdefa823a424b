/*
 * Shared by the differential test programs: print a call's result, or -1
 * and the errno name, so native and kiln runs can be compared line by line.
 */
#ifndef KILN_TESTS_CHECK_H
#define KILN_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CHECK(label, expr) check_report(label, (long)(expr))

static inline void check_report(const char *label, long r)
{
    if (r < 0)
        printf("%-44s -1 %s\n", label, strerrorname_np(errno));
    else
        printf("%-44s %ld\n", label, r);
}

#endif
