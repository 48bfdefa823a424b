#include "core/console.h"

#include <stdarg.h>

#include "drivers/serial.h"
#include "lib/format.h"

namespace kiln {

void console_write(const char* s, size_t n) { serial::write(s, n); }

void kprintf(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  size_t n = vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  console_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

}  // namespace kiln
