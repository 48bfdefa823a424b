// sysinfo()'s struct (linux/sysinfo.h). Names and namespace as errno.h
// explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

struct Sysinfo {
  int64_t uptime;  // seconds
  uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
  uint16_t procs, pad;
  uint32_t pad2;
  uint64_t totalhigh, freehigh;
  uint32_t mem_unit;  // bytes of each unit of the ram and swap fields
  char reserved[4];
};
static_assert(sizeof(Sysinfo) == 112);

}  // namespace kiln::inline abi
