// The bake configurations: which kernel, which platform, which components.
// The table is data (configs.cpp); each row's kernel file is linked from
// the kernel modules kernel/CMakeLists.txt names for it.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace kiln::cli {

struct BakeConfig {
  std::string_view name;         // e.g. "hw_virtio"
  std::string_view platform;     // "hw": QEMU/KVM/bare metal via PVH or multiboot
  std::string_view description;  // one line for `kiln bake list`
  std::string_view kernel_file;  // in the kernel directory, e.g. "hw_virtio.elf"
  std::vector<std::string_view> components;  // kernel parts, for `describe`
  std::string_view runs_on;      // `kiln run` platforms that boot it
};

std::span<const BakeConfig> bake_configs();
const BakeConfig* find_bake_config(std::string_view name);

}  // namespace kiln::cli
