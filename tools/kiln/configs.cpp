#include "configs.h"

namespace kiln::cli {

namespace {

const std::vector<BakeConfig>& table() {
  // The modules of each kernel file are listed in kernel/CMakeLists.txt.
  static const std::vector<std::string_view> base = {
      "arch/x86_64 (PVH entry, paging, traps, syscall entry, 16550 console)",
      "core (frames, heap, threads, clock, interrupts, console, panic)",
      "mm (address spaces, lazy and copy-on-write memory, file mappings)",
      "proc (processes, exec, signals, futexes, /proc)",
      "file (descriptors, pipes, epoll, eventfd, locks; tmpfs root, /dev, /proc)",
      "socket (AF_UNIX)",
      "drivers (PCI, virtio-mmio and -pci transports, virtio-rng)",
  };
  static const std::vector<std::string_view> net = {
      "net (IPv4, IPv6, ARP/NDP, ICMP, UDP, TCP, DHCP)",
      "socket_inet (AF_INET, AF_INET6, interface ioctls)",
      "virtio-net",
  };
  static const std::vector<std::string_view> block = {
      "virtio-blk", "ISO 9660 (Rock Ridge)", "ext2 (read-write)"};
  static const std::vector<std::string_view> selftest = {"the drivers' self-test"};
  auto join = [](std::initializer_list<const std::vector<std::string_view>*> parts) {
    std::vector<std::string_view> all;
    for (auto p : parts) all.insert(all.end(), p->begin(), p->end());
    return all;
  };
  static const std::vector<BakeConfig> configs = {
      {
          .name = "hw_virtio",
          .platform = "hw",
          .description = "QEMU/KVM (microvm, pc, q35) guest: network, block devices, everything",
          .kernel_file = "hw_virtio.elf",
          .components = join({&base, &net, &block, &selftest}),
          .runs_on = "qemu, kvm, tcg",
      },
      {
          .name = "hw_virtio_net",
          .platform = "hw",
          .description = "network only, as Rumprun's netcat ran: no block devices, no ext2 or ISO 9660",
          .kernel_file = "hw_virtio_net.elf",
          .components = join({&base, &net}),
          .runs_on = "qemu, kvm, tcg",
      },
      {
          .name = "hw_minimal",
          .platform = "hw",
          .description = "console, memory, threads and processes: no network, no block devices",
          .kernel_file = "hw_minimal.elf",
          .components = join({&base}),
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
