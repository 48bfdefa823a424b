#include "fs/iso9660/format.h"

namespace kiln::fs::iso9660 {
namespace {

// Offsets beyond +-13 hours are bogus on some media; Linux ignores them too.
int64_t gmt_offset_seconds(uint8_t raw) {
  int tz = int8_t(raw);
  return (tz >= -52 && tz <= 52) ? int64_t(tz) * 15 * 60 : 0;
}

int64_t digits(const uint8_t* p, int n, bool* ok) {
  int64_t v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') {
      *ok = false;
      return 0;
    }
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

}  // namespace

int64_t civil_to_epoch(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                       int64_t second) {
  // Howard Hinnant's days_from_civil.
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yoe = year - era * 400;
  int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

Time decode_short_date(const uint8_t* p) {
  if (p[1] < 1 || p[1] > 12 || p[2] < 1 || p[2] > 31) return Time{};  // unrecorded
  int64_t t = civil_to_epoch(1900 + int64_t(p[0]), p[1], p[2], p[3], p[4], p[5]);
  return Time{t - gmt_offset_seconds(p[6]), 0};
}

Time decode_long_date(const uint8_t* p) {
  bool ok = true;
  int64_t year = digits(p, 4, &ok), month = digits(p + 4, 2, &ok), day = digits(p + 6, 2, &ok);
  int64_t hour = digits(p + 8, 2, &ok), minute = digits(p + 10, 2, &ok);
  int64_t second = digits(p + 12, 2, &ok), hundredths = digits(p + 14, 2, &ok);
  if (!ok || month < 1 || month > 12 || day < 1 || day > 31) return Time{};
  int64_t t = civil_to_epoch(year, month, day, hour, minute, second);
  return Time{t - gmt_offset_seconds(p[16]), hundredths * 10000000};
}

}  // namespace kiln::fs::iso9660
