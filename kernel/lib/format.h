// printf-style formatting into a buffer, for the console and /proc text.
// Supports %d %i %u %x %X %o %p %s %c %% with l/ll/z/h/hh modifiers, width
// (also '*'), precision for strings, '0', '-' and '#' flags. Unlike C, '#'
// prefixes a hex zero ("0x0"), and %p of nullptr is "0x0".
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace kiln {

// Writes at most cap-1 characters plus a NUL; returns the full length that
// the output would have had (like vsnprintf).
size_t vformat(char* buf, size_t cap, const char* fmt, va_list ap);
[[gnu::format(printf, 3, 4)]] size_t format(char* buf, size_t cap, const char* fmt, ...);

}  // namespace kiln
