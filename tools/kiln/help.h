// The usage texts of `kiln` and its subcommands (kiln --help, kiln help CMD,
// kiln CMD -h). Every flag the parser accepts is documented here.
#pragma once

#include <string_view>

namespace kiln::cli {

std::string_view main_help();
// The usage of one subcommand, or "" if there is no such subcommand.
std::string_view command_help(std::string_view command);

}  // namespace kiln::cli
