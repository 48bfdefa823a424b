#include "pkg.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "errors.h"
#include "process.h"

#ifndef KILN_SOURCE_PACKAGES_DIR
#define KILN_SOURCE_PACKAGES_DIR ""
#endif

namespace kiln::cli {

namespace {

constexpr OptionSpec kPkgOptions[] = {{'h', "help", false}, {'o', "out", true}};

constexpr std::string_view kPkgHelp = R"(usage: kiln pkg list
       kiln pkg build [-o DIR] NAME

The package collection: each recipe fetches Debian's binary packages for an
application (apt-get download, unpacked with dpkg-deb -x; nothing is
installed on the host), adds a configuration that suits a unikernel (no
daemonizing, no fork) and bakes DIR/NAME.img with this kiln.

Subcommands:
  list          the recipes, one line each
  build NAME    run the recipe (make -C PACKAGES/NAME KILN=<this kiln>)

Options:
  -o, --out DIR  where the download, the staging tree and the image go
                 (default: PACKAGES/NAME/out)
  -h, --help     show this help

Environment:
  KILN_PACKAGES_DIR  the recipes (default: <dir of kiln>/../share/kiln/packages
                     when installed, else the source tree's packages/)

Examples:
  kiln pkg build nginx-light
  kiln pkg build -o /tmp/redis redis-server
)";

// "# nginx-light: Debian's nginx ..." -> "Debian's nginx ...".
std::string summary_of(const fs::path& makefile, const std::string& name) {
  std::ifstream in(makefile);
  std::string line;
  if (!std::getline(in, line) || !line.starts_with("#")) return "";
  auto trim_front = [](const std::string& s, const char* chars) {
    size_t at = s.find_first_not_of(chars);
    return at == std::string::npos ? std::string() : s.substr(at);
  };
  line = trim_front(line, "# ");
  if (line.starts_with(name + ":")) line = trim_front(line.substr(name.size() + 1), " ");
  return line;
}

int pkg_list() {
  fs::path dir = packages_dir();
  auto recipes = list_recipes(dir);
  if (recipes.empty()) throw Failure("pkg: no recipes in " + dir.string() + " (set KILN_PACKAGES_DIR)");
  for (const auto& r : recipes) std::printf("%-16s %s\n", r.name.c_str(), r.summary.c_str());
  return 0;
}

int pkg_build(const std::string& name, const std::string& out) {
  fs::path dir = packages_dir();
  auto recipes = list_recipes(dir);
  if (std::none_of(recipes.begin(), recipes.end(), [&](const Recipe& r) { return r.name == name; }))
    throw UsageError("pkg: no recipe '" + name + "' in " + dir.string() + " (see 'kiln pkg list')");
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Failure("pkg: cannot find this kiln's path: " + ec.message());
  std::vector<std::string> argv = {"make", "-C", (dir / name).string(), "KILN=" + self.string()};
  fs::path out_dir = out.empty() ? dir / name / "out" : fs::absolute(out);
  if (!out.empty()) argv.push_back("OUT=" + out_dir.string());
  auto exit = wait_child(spawn(argv, {}), -1);
  if (exit->signaled || exit->code != 0) throw Failure("pkg: the recipe for " + name + " failed: make " + exit->describe());
  std::printf("%s\n", (out_dir / (name + ".img")).c_str());
  return 0;
}

}  // namespace

fs::path packages_dir() {
  if (auto dir = getenv_view("KILN_PACKAGES_DIR"); !dir.empty()) return fs::path(dir);
  fs::path installed = (exe_dir() / ".." / "share" / "kiln" / "packages").lexically_normal();
  std::error_code ec;
  if (fs::is_directory(installed, ec)) return installed;
  return fs::path(KILN_SOURCE_PACKAGES_DIR);
}

std::vector<Recipe> list_recipes(const fs::path& dir) {
  std::vector<Recipe> recipes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".") || !fs::is_regular_file(entry.path() / "Makefile", ec)) continue;
    recipes.push_back({name, summary_of(entry.path() / "Makefile", name)});
  }
  std::sort(recipes.begin(), recipes.end(), [](const Recipe& a, const Recipe& b) { return a.name < b.name; });
  return recipes;
}

std::string_view pkg_help() { return kPkgHelp; }

int cmd_pkg(const Args& args) {
  // Options may come before the subcommand or after it (kiln pkg build -o DIR NAME).
  std::string out;
  auto take_options = [&](const Args& words, size_t& pos) {
    for (const auto& opt : parse_options(words, pos, kPkgOptions, "pkg").options) {
      if (opt.key == 'h') return false;
      if (opt.key == 'o') out = opt.value;
    }
    return true;
  };
  size_t pos = 0;
  if (!take_options(args, pos)) {
    std::cout << kPkgHelp;
    return 0;
  }
  if (pos == args.size()) throw UsageError("pkg: missing subcommand: list or build NAME (see 'kiln help pkg')");
  std::string sub = args[pos];
  Args rest(args.begin() + static_cast<long>(pos) + 1, args.end());
  pos = 0;
  if (!take_options(rest, pos)) {
    std::cout << kPkgHelp;
    return 0;
  }
  rest.erase(rest.begin(), rest.begin() + static_cast<long>(pos));
  if (sub == "list") {
    if (!rest.empty() || !out.empty()) throw UsageError("pkg: list takes no arguments");
    return pkg_list();
  }
  if (sub == "build") {
    if (rest.size() != 1) throw UsageError("pkg: usage: kiln pkg build [-o DIR] NAME");
    return pkg_build(rest[0], out);
  }
  throw UsageError("pkg: unknown subcommand '" + sub + "' (list, build)");
}

}  // namespace kiln::cli
