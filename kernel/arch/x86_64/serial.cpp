#include "arch/x86_64/serial.h"

#include "arch/x86_64/cpu.h"

namespace kiln::serial {
namespace {

constexpr uint16_t kCom1 = 0x3f8;
constexpr uint16_t kData = kCom1, kIer = kCom1 + 1, kFcr = kCom1 + 2, kLcr = kCom1 + 3,
                   kMcr = kCom1 + 4, kLsr = kCom1 + 5;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20;

void put(char c) {
  // QEMU's UART is always ready; on hardware this waits for the FIFO.
  while (!(cpu::inb(kLsr) & kLsrThrEmpty)) cpu::pause();
  cpu::outb(kData, uint8_t(c));
}

}  // namespace

void init() {
  cpu::outb(kIer, 0x00);
  cpu::outb(kLcr, 0x80);  // DLAB: set the divisor for 115200 baud
  cpu::outb(kData, 0x01);
  cpu::outb(kIer, 0x00);
  cpu::outb(kLcr, 0x03);  // 8N1
  // FIFOs stay off: turning them on clears input that arrived before boot,
  // and QEMU holds further input back until the byte waiting is read.
  cpu::outb(kFcr, 0x00);
  cpu::outb(kMcr, 0x03);  // DTR, RTS
}

void write(const char* s, size_t n) {
  for (size_t i = 0; i < n; i++) put(s[i]);
}

bool input_ready() { return cpu::inb(kLsr) & kLsrDataReady; }

int read_byte() {
  if (!(cpu::inb(kLsr) & kLsrDataReady)) return -1;
  return cpu::inb(kData);
}

}  // namespace kiln::serial
