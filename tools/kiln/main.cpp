// kiln: the command-line front end. Dispatches to the subcommands and turns
// every failure into one line on stderr (see errors.h for the exit codes).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.h"
#include "errors.h"
#include "help.h"

#ifndef KILN_VERSION
#define KILN_VERSION "0.0.0"
#endif

namespace kiln::cli {
namespace {

int dispatch(const Args& argv) {
  if (argv.empty()) throw UsageError("missing command (see 'kiln --help')");
  const std::string& cmd = argv[0];
  Args rest(argv.begin() + 1, argv.end());
  if (cmd == "-h" || cmd == "--help") {
    std::cout << main_help();
    return 0;
  }
  if (cmd == "--version" || cmd == "-V") {
    std::cout << "kiln " KILN_VERSION "\n";
    return 0;
  }
  if (cmd == "help") {
    if (rest.empty()) {
      std::cout << main_help();
      return 0;
    }
    auto text = command_help(rest[0]);
    if (text.empty()) throw UsageError("help: unknown command '" + rest[0] + "' (see 'kiln --help')");
    std::cout << text;
    return 0;
  }
  if (cmd == "bake") return cmd_bake(rest);
  if (cmd == "run") return cmd_run(rest);
  if (cmd == "ps") return cmd_ps(rest);
  if (cmd == "logs") return cmd_logs(rest);
  if (cmd == "stop") return cmd_stop(rest);
  if (cmd == "pkg") return cmd_pkg(rest);
  if (cmd == "systemd-unit") return cmd_systemd_unit(rest);
  if (cmd.starts_with("-")) throw UsageError("unknown option " + cmd + " (see 'kiln --help')");
  throw UsageError("unknown command '" + cmd + "' (see 'kiln --help')");
}

// QEMU's stdio console reads fd 0: if we were started with 0, 1 or 2 closed
// (some CI runners do that), the next open() would take its place and QEMU
// would read the image as its input. /dev/null fills the holes.
void open_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1) continue;
    int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

}  // namespace
}  // namespace kiln::cli

int main(int argc, char** argv) {
  using namespace kiln::cli;
  open_standard_fds();
  try {
    return dispatch(Args(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::fprintf(stderr, "kiln: %s\n", e.what());
    return kExitUsage;
  } catch (const Failure& e) {
    std::fprintf(stderr, "kiln: %s\n", e.what());
    return kExitRuntime;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kiln: %s\n", e.what());
    return kExitRuntime;
  }
}
