#include "configs.h"

namespace kiln::cli {

namespace {

const std::vector<BakeConfig>& table() {
  static const std::vector<BakeConfig> configs = {
      {
          .name = "hw_virtio",
          .platform = "hw",
          .description = "QEMU/KVM (microvm) guest with virtio devices",
          .kernel_file = "hw_virtio.elf",
          .components = {"arch/x86_64 (PVH entry, paging, syscall entry)",
                         "core (pages, heap, threads, timers, console)",
                         "posix (Linux x86_64 system-call ABI, ELF loader)",
                         "fs (tmpfs root, initrd from the baked payload)",
                         "drivers (16550 serial console; virtio later)"},
          .runs_on = "qemu, kvm, tcg",
      },
  };
  return configs;
}

}  // namespace

std::span<const BakeConfig> bake_configs() { return table(); }

const BakeConfig* find_bake_config(std::string_view name) {
  for (const auto& config : table())
    if (config.name == name) return &config;
  return nullptr;
}

}  // namespace kiln::cli
