// Stopping a guest as docker stop does (docs/user-guide.md, "Stopping
// guests"): its kernel is asked over the control channel to send its
// program SIGTERM (`stop`, with the grace period); once the grace period
// is over the launcher asks it to kill (`kill`: SIGKILL, then its normal
// exit, disks synced), and kills QEMU only if the kernel has not halted
// shortly after that. `kiln stop` and a Ctrl-C on `kiln run -i` both
// stop guests this way.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "util.h"

namespace kiln::cli {

inline constexpr uint64_t kDefaultGraceMs = 10'000;

// When the launcher acts while a stopped guest still runs, from the clock
// alone. Times are monotonic milliseconds.
class StopClock {
 public:
  enum class Action { Wait, Kill, KillQemu };
  // From the kill to QEMU's: SIGKILL, closing, the network's last second
  // and the sync take well under this under TCG.
  static constexpr int64_t kHaltMs = 5000;

  StopClock(int64_t now, uint64_t grace_ms) : kill_at_(now + int64_t(grace_ms)) {}
  // Kill once the grace period is over, KillQemu kHaltMs after the kill,
  // each once; Wait otherwise.
  [[nodiscard]] Action next(int64_t now);
  // The kill now (a second Ctrl-C).
  void hurry(int64_t now) {
    if (now < kill_at_) kill_at_ = now;
  }

 private:
  int64_t kill_at_;
  int64_t killed_at_ = -1;
  bool qemu_killed_ = false;
};

class GuestStop {
 public:
  // `name` names the guest in messages; `qemu` is its QEMU.
  GuestStop(fs::path socket, pid_t qemu, uint64_t grace_ms, std::string name)
      : socket_(std::move(socket)), qemu_(qemu), grace_ms_(grace_ms), name_(std::move(name)),
        clock_(0, grace_ms) {}

  // Asks the kernel to stop. False, with *why, when it cannot be asked
  // (no control channel, no answer: an image baked before it had one);
  // true too when it has halted meanwhile.
  [[nodiscard]] bool start(std::string* why);
  // Call every few milliseconds while QEMU runs: sends the kill, or kills
  // QEMU, when due, and says so on stderr.
  void tick();
  void hurry();

 private:
  fs::path socket_;
  pid_t qemu_;
  uint64_t grace_ms_;
  std::string name_;
  StopClock clock_;
  bool hurried_ = false;
};

// "10 s", or "1500 ms" when not whole seconds.
std::string format_grace(uint64_t grace_ms);

}  // namespace kiln::cli
