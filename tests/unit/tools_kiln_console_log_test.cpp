// A background guest's stored console (tools/kiln/console_log.h): the
// writer's files and rotation byte for byte, and the reader's output with
// and without arrival times, in a temporary run directory.
#include "console_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace kiln::cli {
namespace {

constexpr int64_t kT = 1796686607123456789;  // 2026-12-07T23:36:47.123456789Z

class ConsoleLog : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kiln-console-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
  }
  void TearDown() override {
    ::close(fd_);
    fs::remove_all(dir_);
  }
  std::string file(const char* name) { return read_text(dir_ / name); }
  std::string logs(bool timestamps) {
    char* buf = nullptr;
    size_t len = 0;
    std::FILE* out = ::open_memstream(&buf, &len);
    ConsoleLogReader(dir_, timestamps).print(out);
    std::fclose(out);
    std::string text(buf, len);
    std::free(buf);
    return text;
  }
  fs::path dir_;
  int fd_ = -1;
};

TEST(ConsoleArrival, Format) {
  EXPECT_EQ(format_arrival(kT), "2026-12-07T23:36:47.123456Z");
  EXPECT_EQ(format_arrival(0), "1970-01-01T00:00:00.000000Z");
}

TEST_F(ConsoleLog, EachReadIsMarkedBeforeItsBytes) {
  {
    ConsoleLogWriter w(fd_, kDefaultLogBytes);
    w.append("boot\nhel", kT);
    w.append("lo\n", kT + 1000);
  }
  EXPECT_EQ(file("console.log"), "boot\nhello\n");
  EXPECT_EQ(file("console.times"), "0 1796686607123456789\n8 1796686607123457789\n");
  EXPECT_EQ(logs(false), "boot\nhello\n");
  // A line's time is its first byte's.
  EXPECT_EQ(logs(true), "2026-12-07T23:36:47.123456Z boot\n2026-12-07T23:36:47.123456Z hello\n");
}

TEST_F(ConsoleLog, RotationKeepsTheNewestBytesExactly) {
  std::string all;
  {
    ConsoleLogWriter w(fd_, 4096);
    for (int i = 0; i < 10; i++) {
      std::string chunk(999, char('a' + i));
      chunk.back() = '\n';
      w.append(chunk, kT + i * 1000000000LL);
      all += chunk;
    }
  }
  EXPECT_EQ(file("console.log.1"), all.substr(4096, 4096));
  EXPECT_EQ(file("console.log"), all.substr(8192));
  // The chunk cut by the rotation is marked in both files.
  EXPECT_EQ(file("console.times"), "0 1796686615123456789\n" "799 1796686616123456789\n");
  EXPECT_EQ(logs(false), all.substr(4096));
  std::string stamped = logs(true);
  EXPECT_EQ(stamped.substr(0, 28), "2026-12-07T23:36:51.123456Z ");  // the line 4096 falls in arrived 4 s in
  EXPECT_NE(stamped.find("\n2026-12-07T23:36:56.123456Z jjj"), std::string::npos);
}

TEST_F(ConsoleLog, ATooSmallCapIsRaised) {
  ConsoleLogWriter w(fd_, 10);
  w.append(std::string(kMinLogBytes, 'x'), kT);
  w.append("y", kT);
  EXPECT_EQ(file("console.log.1"), std::string(kMinLogBytes, 'x'));
  EXPECT_EQ(file("console.log"), "y");
}

TEST_F(ConsoleLog, NoConsoleYet) { EXPECT_EQ(logs(true), ""); }

}  // namespace
}  // namespace kiln::cli
