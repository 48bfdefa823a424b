// Network interface requests: the SIOC* ioctls any socket takes, and struct
// ifreq (linux/sockios.h, linux/if.h, linux/if_arp.h). Names and namespace
// as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

// The interface and routing requests run from SIOCADDRT to SIOCGIFTXQLEN.
inline constexpr uint64_t kSIOCADDRT = 0x890b, kSIOCDELRT = 0x890c, kSIOCGIFNAME = 0x8910,
                          kSIOCGIFCONF = 0x8912, kSIOCGIFFLAGS = 0x8913,
                          kSIOCSIFFLAGS = 0x8914, kSIOCGIFADDR = 0x8915, kSIOCSIFADDR = 0x8916,
                          kSIOCGIFBRDADDR = 0x8919, kSIOCGIFNETMASK = 0x891b,
                          kSIOCSIFNETMASK = 0x891c, kSIOCGIFMETRIC = 0x891d,
                          kSIOCGIFMTU = 0x8921, kSIOCSIFMTU = 0x8922, kSIOCSIFHWADDR = 0x8924,
                          kSIOCGIFHWADDR = 0x8927, kSIOCGIFINDEX = 0x8933,
                          kSIOCGIFTXQLEN = 0x8942;

inline constexpr int16_t kIFF_UP = 0x1, kIFF_BROADCAST = 0x2, kIFF_LOOPBACK = 0x8,
                         kIFF_RUNNING = 0x40, kIFF_MULTICAST = 0x1000;
inline constexpr uint16_t kARPHRD_ETHER = 1, kARPHRD_LOOPBACK = 772;

inline constexpr int kIFNAMSIZ = 16;

// A name, then a union whose largest member is 24 bytes.
struct Ifreq {
  char name[kIFNAMSIZ];
  union {
    struct {
      uint16_t family;
      uint8_t data[14];
    } addr;
    int32_t ivalue;
    uint8_t pad[24];
  } u;
};
static_assert(sizeof(Ifreq) == 40);

struct Ifconf {
  int32_t len, pad;
  uint64_t buf;  // a user address
};

}  // namespace kiln::inline abi
