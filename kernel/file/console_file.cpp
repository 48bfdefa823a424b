// The console as a file: writes go to COM1; reads take what arrived on it.
#include "core/clock.h"
#include "core/console.h"
#include "core/thread.h"
#include "arch/x86_64/serial.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/ioctl.h"
#include "abi/linux/stat.h"
#include "abi/linux/termios.h"
#include "file/file.h"
#include "lib/format.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

class ConsoleFile final : public File {
 public:
  long read(uint64_t buf, size_t n) override {
    if (!n) return 0;
    // Poll the UART: the console is rarely read, and input is typed slowly.
    for (;;) {
      char tmp[256];
      size_t got = 0;
      while (got < n && got < sizeof tmp) {
        int c = serial::read_byte();
        if (c < 0) break;
        if (c == '\r' && (termios_.iflag & kICRNL)) c = '\n';
        if (c == 4 && got == 0 && (termios_.lflag & kICANON)) return 0;  // ^D
        tmp[got++] = char(c);
        if (c == '\n') break;
      }
      if (got) {
        if (termios_.lflag & kECHO) console_write(tmp, got);
        return copy_to_user(buf, tmp, got) ? long(got) : -kEFAULT;
      }
      if (nonblocking()) return -kEAGAIN;
      if (signal_pending()) return -kEINTR;
      WaitList poll_later;
      wait_on(poll_later, monotonic_ns() + 10'000'000);
    }
  }

  long write(uint64_t buf, size_t n) override {
    char tmp[512];
    size_t done = 0;
    while (done < n) {
      size_t chunk = n - done < sizeof tmp ? n - done : sizeof tmp;
      if (!copy_from_user(tmp, buf + done, chunk)) return done ? long(done) : -kEFAULT;
      console_write(tmp, chunk);
      done += chunk;
    }
    return long(n);
  }

  bool pollable() const override { return true; }
  void describe(char* buf, size_t cap) override { format(buf, cap, "/dev/console"); }
  uint32_t poll_events() override {
    return kPOLLOUT | kPOLLWRNORM | (serial::input_ready() ? kPOLLIN | kPOLLRDNORM : 0);
  }

  long stat(Stat* st) override {
    *st = Stat{};
    st->dev = 5;
    st->ino = 1;
    st->nlink = 1;
    st->mode = kS_IFCHR | 0620;
    st->rdev = (5u << 8) | 1;  // /dev/console
    st->blksize = 1024;
    return 0;
  }

  long ioctl(uint64_t cmd, uint64_t arg) override {
    switch (cmd) {
      case kTCGETS:
        return copy_to_user(arg, &termios_, sizeof termios_) ? 0 : -kEFAULT;
      case kTCSETS:
      case kTCSETSW:
      case kTCSETSF:
        return copy_from_user(&termios_, arg, sizeof termios_) ? 0 : -kEFAULT;
      case kTIOCGWINSZ: {
        const Winsize ws = {24, 80, 0, 0};
        return put_user(arg, ws) ? 0 : -kEFAULT;
      }
      case kTIOCSWINSZ:
        return 0;
      case kTIOCGPGRP: {
        int32_t pgrp = 1;
        return put_user(arg, pgrp) ? 0 : -kEFAULT;
      }
      case kFIONREAD: {
        int32_t none = 0;
        return put_user(arg, none) ? 0 : -kEFAULT;
      }
      default:
        return -kENOTTY;
    }
  }

 private:
  // c_cc from VINTR on: ^C, ^\, DEL, ^U, ^D, VTIME 0, VMIN 1.
  Termios termios_ = {kICRNL, kOPOST | kONLCR, kB38400 | kCS8 | kCREAD, kICANON | kECHO | kISIG, 0,
                      {3, 28, 127, 21, 4, 0, 1}};
};

}  // namespace

File* make_console_file() {
  auto f = new ConsoleFile;
  if (f) f->status_flags = kO_RDWR;
  return f;
}

}  // namespace kiln
