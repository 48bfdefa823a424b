#include "core/clock.h"

#include "arch/x86_64/cpu.h"

namespace kiln {
namespace {

uint64_t g_tsc_hz;
uint64_t g_tsc_base;
uint64_t g_mult;  // ns per TSC tick, 32.32 fixed point
int64_t g_realtime_offset;

uint8_t cmos(uint8_t reg) {
  cpu::outb(0x70, reg);
  return cpu::inb(0x71);
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = unsigned(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

}  // namespace

void clock_init(uint64_t tsc_hz) {
  g_tsc_hz = tsc_hz;
  g_tsc_base = cpu::rdtsc();
  g_mult = (uint64_t(1000000000) << 32) / tsc_hz;
}

uint64_t monotonic_ns() {
  unsigned __int128 d = cpu::rdtsc() - g_tsc_base;
  return uint64_t((d * g_mult) >> 32);
}

void clock_set_realtime(int64_t unix_ns) { g_realtime_offset = unix_ns - int64_t(monotonic_ns()); }
int64_t realtime_ns() { return g_realtime_offset + int64_t(monotonic_ns()); }
uint64_t tsc_frequency() { return g_tsc_hz; }

int64_t rtc_read_unix_seconds() {
  // Read twice until stable, waiting out an update in progress.
  uint8_t t[6], u[6];
  for (int tries = 0; tries < 10; tries++) {
    while (cmos(0x0a) & 0x80) cpu::pause();
    const uint8_t regs[6] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09};
    for (int i = 0; i < 6; i++) t[i] = cmos(regs[i]);
    for (int i = 0; i < 6; i++) u[i] = cmos(regs[i]);
    bool same = true;
    for (int i = 0; i < 6; i++) same &= t[i] == u[i];
    if (same) break;
  }
  uint8_t status_b = cmos(0x0b);
  bool bcd = !(status_b & 0x04);
  bool pm = t[2] & 0x80;
  t[2] &= 0x7f;
  if (bcd)
    for (int i = 0; i < 6; i++) t[i] = uint8_t((t[i] >> 4) * 10 + (t[i] & 15));
  if (!(status_b & 0x02) && pm) t[2] = uint8_t((t[2] + 12) % 24);
  if (t[4] < 1 || t[4] > 12 || t[3] < 1 || t[3] > 31) return 0;
  int64_t days = days_from_civil(2000 + t[5], t[4], t[3]);
  return days * 86400 + t[2] * 3600 + t[1] * 60 + t[0];
}

}  // namespace kiln
