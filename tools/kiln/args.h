// getopt-style option parsing, as Rumprun's sh launcher did it: options come
// first, bundled short flags work (-di), a value may be attached (-M64) or
// follow (-M 64), long forms take --name=VALUE or --name VALUE, and parsing
// stops at the first word that is not an option, or after "--".
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::cli {

struct OptionSpec {
  char key;                    // short name, or a private id for long-only options
  std::string_view long_name;  // "" if none
  bool takes_value;
  // For a short flag without a value: it still takes one when the attached
  // rest of the word, or else the next word, passes this test (kiln run's
  // -p means "paused" alone, a port forward in "-p 8080:80").
  bool (*optional_value)(std::string_view) = nullptr;
};

struct Option {
  char key;
  std::string value;
  std::string spelled;  // as the user wrote it, for messages ("-M", "--dry-run")
};

struct OptionParse {
  std::vector<Option> options;
  bool saw_double_dash = false;  // parsing stopped because of "--"
};

// Parses ARGS from POS on and leaves POS at the first non-option word.
// COMMAND prefixes error messages ("run" -> "run: unknown option -x ...").
OptionParse parse_options(const std::vector<std::string>& args, size_t& pos,
                          std::span<const OptionSpec> specs, std::string_view command);

}  // namespace kiln::cli
