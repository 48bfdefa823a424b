#include "core/console.h"

#include <stdarg.h>

#include "arch/x86_64/serial.h"
#include "lib/format.h"

namespace kiln {

namespace {
bool g_verbose;
}  // namespace

void console_write(const char* s, size_t n) { serial::write(s, n); }
void set_verbose(bool on) { g_verbose = on; }
bool verbose() { return g_verbose; }

void kprintf(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  size_t n = vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  console_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

}  // namespace kiln
