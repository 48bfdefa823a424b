// Time: a monotonic clock from the calibrated TSC, and wall time that starts
// from the launcher's "time" (or the CMOS RTC) and runs on the same TSC.
#pragma once

#include <stdint.h>

namespace kiln {

void clock_init(uint64_t tsc_hz);
void clock_set_realtime(int64_t unix_ns);
uint64_t monotonic_ns();
int64_t realtime_ns();
uint64_t tsc_frequency();
// Seconds since the epoch read from the CMOS RTC (0 when there is none).
int64_t rtc_read_unix_seconds();

}  // namespace kiln
