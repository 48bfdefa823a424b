#include "args.h"

#include "errors.h"

namespace kiln::cli {

namespace {

[[noreturn]] void unknown(std::string_view command, const std::string& what) {
  throw UsageError(std::string(command) + ": unknown option " + what + " (see 'kiln help " + std::string(command) +
                   "')");
}

[[noreturn]] void missing_value(std::string_view command, const std::string& what) {
  throw UsageError(std::string(command) + ": option " + what + " needs a value (see 'kiln help " +
                   std::string(command) + "')");
}

}  // namespace

OptionParse parse_options(const std::vector<std::string>& args, size_t& pos, std::span<const OptionSpec> specs,
                          std::string_view command) {
  OptionParse out;
  while (pos < args.size()) {
    const std::string& word = args[pos];
    if (word == "--") {
      ++pos;
      out.saw_double_dash = true;
      break;
    }
    if (word.size() < 2 || word[0] != '-') break;  // a positional word ("-" included)

    if (word[1] == '-') {  // --name or --name=value
      std::string name = word.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
        has_value = true;
      }
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs)
        if (!s.long_name.empty() && s.long_name == name) spec = &s;
      if (!spec) unknown(command, "--" + name);
      ++pos;
      if (spec->takes_value && !has_value) {
        if (pos >= args.size()) missing_value(command, "--" + name);
        value = args[pos++];
      } else if (!spec->takes_value && has_value) {
        throw UsageError(std::string(command) + ": option --" + name + " takes no value");
      }
      out.options.push_back({spec->key, value, "--" + name});
      continue;
    }

    ++pos;
    for (size_t i = 1; i < word.size(); ++i) {  // -abc bundles; -Mvalue attaches
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs)
        if (s.key == word[i] && s.key > ' ') spec = &s;
      std::string spelled = std::string("-") + word[i];
      if (!spec) unknown(command, spelled);
      if (!spec->takes_value && spec->optional_value) {
        if (i + 1 < word.size() && spec->optional_value(std::string_view(word).substr(i + 1))) {
          out.options.push_back({spec->key, word.substr(i + 1), spelled});
          break;
        }
        if (i + 1 == word.size() && pos < args.size() && spec->optional_value(args[pos])) {
          out.options.push_back({spec->key, args[pos++], spelled});
          break;
        }
      }
      if (!spec->takes_value) {
        out.options.push_back({spec->key, {}, spelled});
        continue;
      }
      std::string value;
      if (i + 1 < word.size()) {
        value = word.substr(i + 1);
      } else {
        if (pos >= args.size()) missing_value(command, spelled);
        value = args[pos++];
      }
      out.options.push_back({spec->key, value, spelled});
      break;
    }
  }
  return out;
}

}  // namespace kiln::cli
