#include "stop.h"

#include <signal.h>

#include <cstdio>

#include "control/protocol.h"
#include "control_client.h"
#include "process.h"

namespace kiln::cli {

namespace {

// The kernel answers in milliseconds; a guest that says nothing for this
// long has no control channel (or is paused, -p).
constexpr int kReplyTimeoutMs = 3000;
// The kill is asked for once; a guest that cannot answer is halting anyway.
constexpr int kKillReplyTimeoutMs = 1000;

}  // namespace

std::string format_grace(uint64_t grace_ms) {
  if (grace_ms % 1000 == 0) return std::to_string(grace_ms / 1000) + " s";
  return std::to_string(grace_ms) + " ms";
}

StopClock::Action StopClock::next(int64_t now) {
  if (killed_at_ < 0) {
    if (now < kill_at_) return Action::Wait;
    killed_at_ = now;
    return Action::Kill;
  }
  if (qemu_killed_ || now < killed_at_ + kHaltMs) return Action::Wait;
  qemu_killed_ = true;
  return Action::KillQemu;
}

bool GuestStop::start(std::string* why) {
  clock_ = StopClock(monotonic_ms(), grace_ms_);
  std::string args = "{\"grace_ms\":" + std::to_string(grace_ms_) + "}";
  auto reply = control_request(socket_, control::kTypeStop, args, kReplyTimeoutMs, why);
  // A guest whose program ended at once may halt before its answer is out.
  if (!reply) return !process_alive(qemu_);
  if (reply->status != uint8_t(control::Status::Ok)) {
    *why = "the guest refused the stop: " + reply->payload;
    return false;
  }
  return true;
}

void GuestStop::hurry() {
  hurried_ = true;
  clock_.hurry(monotonic_ms());
  tick();
}

void GuestStop::tick() {
  switch (clock_.next(monotonic_ms())) {
    case StopClock::Action::Wait:
      return;
    case StopClock::Action::Kill: {
      if (hurried_)
        std::fprintf(stderr, "kiln: killing %s\n", name_.c_str());
      else
        std::fprintf(stderr, "kiln: %s did not stop within %s: killed\n", name_.c_str(),
                     format_grace(grace_ms_).c_str());
      std::string why;
      // No answer: it may be halting already; QEMU is killed if not.
      (void)control_request(socket_, control::kTypeKill, "{}", kKillReplyTimeoutMs, &why);
      return;
    }
    case StopClock::Action::KillQemu:
      std::fprintf(stderr, "kiln: %s did not halt after the kill: QEMU killed, its disks not synced\n",
                   name_.c_str());
      ::kill(qemu_, SIGKILL);
      return;
  }
}

}  // namespace kiln::cli
