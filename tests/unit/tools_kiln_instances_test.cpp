// How a guest ended, as the status file tells it (tools/kiln/instances.h):
// the exit line, the kernel's cause line before it, and what `kiln ps` says.
#include "instances.h"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

std::string state_of(std::string_view status_file) {
  auto end = parse_exit_report(status_file);
  return end ? describe_end(*end) : "none";
}

TEST(KilnExitReport, ThePlainExit) {
  auto end = parse_exit_report("exit 3\n");
  ASSERT_TRUE(end);
  EXPECT_EQ(end->status, 3);
  EXPECT_EQ(end->cause, "");
  EXPECT_EQ(state_of("exit 0\n"), "exited 0");
  EXPECT_EQ(state_of("exit 255"), "exited 255");  // no newline at the end
}

TEST(KilnExitReport, Causes) {
  EXPECT_EQ(state_of("signal SIGSEGV\nexit 139\n"), "crashed (SIGSEGV)");
  EXPECT_EQ(state_of("signal SIGABRT\nexit 134\n"), "crashed (SIGABRT)");
  EXPECT_EQ(state_of("signal SIGBUS\nexit 135\n"), "crashed (SIGBUS)");
  EXPECT_EQ(state_of("signal SIGTERM\nexit 143\n"), "killed (SIGTERM)");
  EXPECT_EQ(state_of("signal SIGKILL\nexit 137\n"), "killed (SIGKILL)");
  EXPECT_EQ(state_of("oom\nexit 137\n"), "out of memory");
  EXPECT_EQ(state_of("panic\nexit 255\n"), "kernel panic");
  auto end = parse_exit_report("signal SIGSEGV\nexit 139\n");
  EXPECT_EQ(end->status, 139);
  EXPECT_EQ(end->cause, "signal SIGSEGV");
}

TEST(KilnExitReport, TheLastExitAndOnlyItsOwnCause) {
  EXPECT_EQ(state_of("panic\nexit 255\nexit 0\n"), "exited 0");
  EXPECT_EQ(state_of("exit 1\nsignal SIGSEGV\nexit 139\n"), "crashed (SIGSEGV)");
  // Other lines (a later protocol's) are passed over; a cause with no exit after it is not an end.
  EXPECT_EQ(state_of("signal SIGSEGV\nsomething else\nexit 139\n"), "crashed (SIGSEGV)");
  EXPECT_EQ(state_of("signal SIGSEGV\n"), "none");
  EXPECT_EQ(state_of(""), "none");
  EXPECT_EQ(state_of("exit 256\n"), "none");
  EXPECT_EQ(state_of("exit x\n"), "none");
}

TEST(KilnExitReport, OnlyTheKernelsCausesAreTaken) {
  // The guest writes the status port; ps must not print what it made up.
  EXPECT_EQ(state_of("signal \x1b[2J\nexit 139\n"), "exited 139");
  EXPECT_EQ(state_of("signal SIG\nexit 139\n"), "exited 139");
  EXPECT_EQ(state_of("signal sigsegv\nexit 139\n"), "exited 139");
  EXPECT_EQ(state_of("signal SIGAVERYLONGNAMEINDEED\nexit 139\n"), "exited 139");
  EXPECT_EQ(state_of("signal SIGRT\nexit 162\n"), "killed (SIGRT)");
  EXPECT_EQ(state_of("panic \nexit 255\n"), "exited 255");
}

}  // namespace
}  // namespace kiln::cli
