// ioctl request numbers of terminals, files and block devices
// (asm-generic/ioctls.h, linux/fs.h). Interface requests are in if.h.
// Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint64_t kTCGETS = 0x5401, kTCSETS = 0x5402, kTCSETSW = 0x5403,
                          kTCSETSF = 0x5404, kTIOCGPGRP = 0x540f, kTIOCGWINSZ = 0x5413,
                          kTIOCSWINSZ = 0x5414, kFIONREAD = 0x541b, kFIONBIO = 0x5421,
                          kFIONCLEX = 0x5450, kFIOCLEX = 0x5451;

inline constexpr uint64_t kBLKROGET = 0x125e, kBLKGETSIZE = 0x1260, kBLKFLSBUF = 0x1261,
                          kBLKSSZGET = 0x1268, kBLKGETSIZE64 = 0x80081272;

}  // namespace kiln::inline abi
