// `kiln pkg`: the package collection under packages/ (docs/packages.md).
// Each packages/NAME is a recipe (a Makefile over packages/common.mk) that
// fetches Debian's binary packages and bakes NAME.img with this kiln.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util.h"

namespace kiln::cli {

struct Recipe {
  std::string name;
  std::string summary;  // the Makefile's first comment line, after "NAME: "
};

// Where the recipes are: $KILN_PACKAGES_DIR, else <dir of kiln>/../share/kiln/packages
// when installed, else the source tree's packages/ this kiln was built from.
fs::path packages_dir();

// The subdirectories of DIR holding a Makefile, sorted by name.
std::vector<Recipe> list_recipes(const fs::path& dir);

std::string_view pkg_help();

}  // namespace kiln::cli
