// What a dynamic program needs at run time: its interpreter and every
// shared library reachable through DT_NEEDED, found the way the host's
// loader would find them (RPATH, RUNPATH with $ORIGIN, /etc/ld.so.conf,
// the default directories), or inside the --rootfs trees the image is
// built from.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "util.h"

namespace kiln::cli {

struct Dependency {
  std::string guest_path;  // where it goes in the image, e.g. /lib64/ld-linux-x86-64.so.2
  std::filesystem::path host_path;
};

// Empty for a static program. The interpreter and each library come from
// ROOTS (the --rootfs trees, searched as the guest's loader will: RPATH,
// RUNPATH, its default directories) when one of them has it, else from the
// host. GUEST_PATH is where the program is in the image: its $ORIGIN there.
// Throws Failure naming the first library that cannot be found.
std::vector<Dependency> find_dependencies(const std::filesystem::path& program, const Bytes& data,
                                          const std::string& guest_path,
                                          const std::vector<std::filesystem::path>& roots);

}  // namespace kiln::cli
