// The kernel's struct termios and the flags kiln's console sets in it
// (asm-generic/termbits.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint32_t kICRNL = 0x100;                             // c_iflag
inline constexpr uint32_t kOPOST = 0x1, kONLCR = 0x4;                 // c_oflag
inline constexpr uint32_t kB38400 = 0xf, kCS8 = 0x30, kCREAD = 0x80;  // c_cflag
inline constexpr uint32_t kISIG = 0x1, kICANON = 0x2, kECHO = 0x8;    // c_lflag

inline constexpr int kNCCS = 19;  // c_cc's size

struct Termios {
  uint32_t iflag, oflag, cflag, lflag;
  uint8_t line, cc[kNCCS];
};
static_assert(sizeof(Termios) == 36);

struct Winsize {
  uint16_t row, col, xpixel, ypixel;
};

}  // namespace kiln::inline abi
