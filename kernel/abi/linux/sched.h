// Linux's scheduling and priority constants (uapi/linux/sched.h,
// uapi/linux/resource.h, sched_get_priority_max(2)).
#pragma once

namespace kiln {

// getpriority/setpriority: whose priority.
enum : int { PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2 };
// The nice range; the raw getpriority call returns 20 - nice (1..40).
enum : int { NICE_MIN = -20, NICE_MAX = 19 };

// sched_setscheduler policies, and the flag that may be or'ed into one.
enum : int {
  SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5,
  SCHED_DEADLINE = 6,
  SCHED_RESET_ON_FORK = 0x40000000,
};
// The real-time policies' priority range (the others have only 0).
enum : int { SCHED_RT_PRIO_MIN = 1, SCHED_RT_PRIO_MAX = 99 };

enum : int { RLIMIT_NICE = 13 };

}  // namespace kiln
