// Clocks, timers and the time structs (linux/time.h, linux/time_types.h,
// linux/times.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr int kCLOCK_REALTIME = 0, kCLOCK_MONOTONIC = 1, kCLOCK_PROCESS_CPUTIME_ID = 2,
                     kCLOCK_THREAD_CPUTIME_ID = 3, kCLOCK_MONOTONIC_RAW = 4,
                     kCLOCK_REALTIME_COARSE = 5, kCLOCK_MONOTONIC_COARSE = 6,
                     kCLOCK_BOOTTIME = 7, kCLOCK_REALTIME_ALARM = 8, kCLOCK_BOOTTIME_ALARM = 9,
                     kCLOCK_TAI = 11;
inline constexpr int kTIMER_ABSTIME = 1;
inline constexpr int kITIMER_REAL = 0, kITIMER_VIRTUAL = 1, kITIMER_PROF = 2;

// Clock ticks as times() and /proc count them (the kernel's USER_HZ; uapi
// <asm/param.h> calls it HZ).
inline constexpr int64_t kUSER_HZ = 100;

struct Timespec {
  int64_t sec, nsec;
};
struct Timeval {
  int64_t sec, usec;
};
struct Itimerval {
  Timeval interval, value;
};
struct Timezone {
  int32_t minuteswest, dsttime;
};
// struct tms, in clock ticks.
struct Tms {
  int64_t utime, stime, cutime, cstime;
};

}  // namespace kiln::inline abi
