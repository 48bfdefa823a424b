// Readiness bits of poll and epoll, and their structs (asm-generic/poll.h,
// linux/eventpoll.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

#include "abi/linux/fcntl.h"

namespace kiln::inline abi {

// POLL* and EPOLL* share their values; the kernel keeps readiness as these.
inline constexpr uint32_t kPOLLIN = 0x001, kPOLLPRI = 0x002, kPOLLOUT = 0x004, kPOLLERR = 0x008,
                          kPOLLHUP = 0x010, kPOLLNVAL = 0x020, kPOLLRDNORM = 0x040,
                          kPOLLWRNORM = 0x100, kPOLLRDHUP = 0x2000;
inline constexpr uint32_t kEPOLLIN = kPOLLIN, kEPOLLPRI = kPOLLPRI, kEPOLLOUT = kPOLLOUT,
                          kEPOLLERR = kPOLLERR, kEPOLLHUP = kPOLLHUP, kEPOLLRDNORM = kPOLLRDNORM,
                          kEPOLLWRNORM = kPOLLWRNORM, kEPOLLRDHUP = kPOLLRDHUP;
inline constexpr uint32_t kEPOLLEXCLUSIVE = 1u << 28, kEPOLLWAKEUP = 1u << 29,
                          kEPOLLONESHOT = 1u << 30, kEPOLLET = 1u << 31;
inline constexpr int kEPOLL_CTL_ADD = 1, kEPOLL_CTL_DEL = 2, kEPOLL_CTL_MOD = 3;
inline constexpr uint32_t kEPOLL_CLOEXEC = kO_CLOEXEC;

struct Pollfd {
  int32_t fd;
  int16_t events, revents;
};

// Packed on x86_64 only, for the 32-bit ABI's sake.
struct [[gnu::packed]] EpollEvent {
  uint32_t events;
  uint64_t data;
};
static_assert(sizeof(EpollEvent) == 12);

}  // namespace kiln::inline abi
