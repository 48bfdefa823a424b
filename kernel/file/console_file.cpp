// The console as a file: writes go to COM1; reads take what arrived on it.
#include "core/clock.h"
#include "core/console.h"
#include "core/thread.h"
#include "arch/x86_64/serial.h"
#include "abi/linux/errno.h"
#include "file/file.h"
#include "lib/format.h"
#include "proc/signal.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

constexpr uint64_t TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
                   TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCGPGRP = 0x540f,
                   FIONREAD = 0x541b;
constexpr uint32_t kOnlcr = 0x4, kIcrnl = 0x100, kIcanon = 0x2, kEcho = 0x8, kIsig = 0x1;

struct Termios {
  uint32_t iflag, oflag, cflag, lflag;
  uint8_t line, cc[19];
};

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
        if (c == '\r' && (termios_.iflag & kIcrnl)) c = '\n';
        if (c == 4 && got == 0 && (termios_.lflag & kIcanon)) return 0;  // ^D
        tmp[got++] = char(c);
        if (c == '\n') break;
      }
      if (got) {
        if (termios_.lflag & kEcho) console_write(tmp, got);
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
    return kPollOut | kPollWrNorm | (serial::input_ready() ? kPollIn | kPollRdNorm : 0);
  }

  long stat(LinuxStat* st) override {
    *st = LinuxStat{};
    st->dev = 5;
    st->ino = 1;
    st->nlink = 1;
    st->mode = 0020620;  // character device, rw--w----
    st->rdev = (5u << 8) | 1;  // /dev/console
    st->blksize = 1024;
    return 0;
  }

  long ioctl(uint64_t cmd, uint64_t arg) override {
    switch (cmd) {
      case TCGETS:
        return copy_to_user(arg, &termios_, sizeof termios_) ? 0 : -kEFAULT;
      case TCSETS:
      case TCSETSW:
      case TCSETSF:
        return copy_from_user(&termios_, arg, sizeof termios_) ? 0 : -kEFAULT;
      case TIOCGWINSZ: {
        const uint16_t ws[4] = {24, 80, 0, 0};
        return copy_to_user(arg, ws, sizeof ws) ? 0 : -kEFAULT;
      }
      case TIOCSWINSZ:
        return 0;
      case TIOCGPGRP: {
        int32_t pgrp = 1;
        return put_user(arg, pgrp) ? 0 : -kEFAULT;
      }
      case FIONREAD: {
        int32_t none = 0;
        return put_user(arg, none) ? 0 : -kEFAULT;
      }
      default:
        return -kENOTTY;
    }
  }

 private:
  Termios termios_ = {kIcrnl, kOnlcr | 1, 0xbf, kIcanon | kEcho | kIsig, 0, {3, 28, 127, 21, 4, 0, 1}};
};

}  // namespace

File* make_console_file() {
  auto f = new ConsoleFile;
  if (f) f->status_flags = 2;  // O_RDWR
  return f;
}

}  // namespace kiln
