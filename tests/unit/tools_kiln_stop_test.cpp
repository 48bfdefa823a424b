// When the launcher acts while a stopped guest still runs (tools/kiln/stop.h):
// the kill once the grace period is over, QEMU's kill only kHaltMs later,
// each once, and a second Ctrl-C bringing the kill forward.
#include "stop.h"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

using Action = StopClock::Action;

TEST(KilnStop, KillAtTheEndOfTheGracePeriodThenQemu) {
  StopClock c(1000, 2000);
  EXPECT_EQ(c.next(1000), Action::Wait);
  EXPECT_EQ(c.next(2999), Action::Wait);
  EXPECT_EQ(c.next(3000), Action::Kill);
  EXPECT_EQ(c.next(3001), Action::Wait);
  EXPECT_EQ(c.next(3000 + StopClock::kHaltMs - 1), Action::Wait);
  EXPECT_EQ(c.next(3000 + StopClock::kHaltMs), Action::KillQemu);
  EXPECT_EQ(c.next(100000), Action::Wait);
}

TEST(KilnStop, ALateLookKillsFirst) {
  // A launcher that looks only after both deadlines still asks the kernel first.
  StopClock c(0, 10);
  EXPECT_EQ(c.next(60000), Action::Kill);
  EXPECT_EQ(c.next(60000), Action::Wait);
  EXPECT_EQ(c.next(60000 + StopClock::kHaltMs), Action::KillQemu);
}

TEST(KilnStop, HurryBringsTheKillForward) {
  StopClock c(0, 10000);
  c.hurry(500);
  EXPECT_EQ(c.next(500), Action::Kill);
  c.hurry(600);  // once killing, nothing more to bring forward
  EXPECT_EQ(c.next(600), Action::Wait);
  EXPECT_EQ(c.next(500 + StopClock::kHaltMs), Action::KillQemu);
}

TEST(KilnStop, ZeroGraceKillsAtOnce) {
  StopClock c(42, 0);
  EXPECT_EQ(c.next(42), Action::Kill);
}

TEST(KilnStop, GraceIsSaidInSeconds) {
  EXPECT_EQ(format_grace(10000), "10 s");
  EXPECT_EQ(format_grace(0), "0 s");
  EXPECT_EQ(format_grace(1500), "1500 ms");
}

}  // namespace
}  // namespace kiln::cli
