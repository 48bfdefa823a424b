// The subcommands; each takes the words after its name and returns the exit
// status, throwing UsageError/Failure for main() to report.
#pragma once

#include <string>
#include <vector>

namespace kiln::cli {

using Args = std::vector<std::string>;

int cmd_bake(const Args& args);
int cmd_run(const Args& args);
int cmd_ps(const Args& args);
int cmd_logs(const Args& args);
int cmd_stop(const Args& args);
int cmd_pkg(const Args& args);
int cmd_systemd_unit(const Args& args);

}  // namespace kiln::cli
