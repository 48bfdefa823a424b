// Resource limits and usage (asm-generic/resource.h, linux/resource.h).
// Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

#include "abi/linux/time.h"

namespace kiln::inline abi {

inline constexpr int kRLIMIT_STACK = 3, kRLIMIT_NOFILE = 7, kRLIMIT_NICE = 13, kRLIM_NLIMITS = 16;
inline constexpr uint64_t kRLIM_INFINITY = ~0ull;

// getpriority/setpriority: whose priority.
inline constexpr int kPRIO_PROCESS = 0, kPRIO_PGRP = 1, kPRIO_USER = 2;

inline constexpr int kRUSAGE_SELF = 0, kRUSAGE_CHILDREN = -1, kRUSAGE_THREAD = 1;

struct Rlimit {
  uint64_t cur, max;
};

struct Rusage {
  Timeval utime, stime;
  int64_t maxrss;  // KiB
  int64_t ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
      nsignals, nvcsw, nivcsw;
};
static_assert(sizeof(Rusage) == 144);

}  // namespace kiln::inline abi
