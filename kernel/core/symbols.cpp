#include "core/symbols.h"

#include "lib/format.h"

namespace kiln {
namespace {

const char* g_table;
size_t g_len;

bool parse_hex(const char*& p, const char* end, uint64_t* out) {
  uint64_t v = 0;
  const char* start = p;
  for (; p < end; p++) {
    char c = *p;
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) break;
    v = v << 4 | uint64_t(d);
  }
  *out = v;
  return p > start;
}

}  // namespace

void kernel_symbols_init(const char* table, size_t len) {
  g_table = table;
  g_len = len;
}

void kernel_symbolize(uint64_t addr, char* buf, size_t cap) {
  const char* p = g_table;
  const char* end = g_table + g_len;
  while (p && p < end) {
    uint64_t start = 0, size = 0;
    const char* line = p;
    bool ok = parse_hex(p, end, &start) && p < end && *p++ == ' ' && parse_hex(p, end, &size) &&
              p < end && *p++ == ' ';
    const char* name = p;
    while (p < end && *p != '\n') p++;
    int name_len = int(p - name);
    if (p < end) p++;
    if (!ok || line == p) break;
    if (addr >= start && addr < start + (size ? size : 1)) {
      format(buf, cap, "%.*s+%#lx", name_len, name, addr - start);
      return;
    }
  }
  format(buf, cap, "?");
}

}  // namespace kiln
