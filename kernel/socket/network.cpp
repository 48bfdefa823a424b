#include "socket/network.h"

#include "core/clock.h"
#include "core/console.h"
#include "core/random.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "net/dhcp_client.h"
#include "net/interface.h"
#include "net/stack.h"
#include "core/memory.h"
#include "init/net_config.h"

namespace kiln {
namespace {

net::Stack* g_stack;
WaitList g_net_wait;
bool g_kicked;
WaitList g_configured_wait;  // threads in network_wait_configured

void stack_random(void*, void* out, size_t n) { random_bytes(out, n); }

void wake_network(void*) {
  g_kicked = true;
  wake_list(g_net_wait, -1);
}

[[noreturn]] void network_thread(void*) {
  for (;;) {
    g_kicked = false;
    uint64_t now = monotonic_ns();
    g_stack->poll(now);
    uint64_t next = g_stack->next_deadline();
    uint64_t dhcp = dhcp_poll(now);
    if (dhcp < next) next = dhcp;
    if (!network_configuring()) wake_list(g_configured_wait, -1);
    if (g_kicked) continue;
    wait_on(g_net_wait, next == ~0ull ? 0 : (next ? next : 1));
  }
}

}  // namespace

net::Stack* network_stack() { return g_stack; }

void network_kick() { wake_network(nullptr); }

void network_drain(uint64_t deadline_ns) {
  if (!g_stack) return;
  network_kick();
  WaitList nobody;
  for (uint64_t now = monotonic_ns(); g_stack->draining() && now < deadline_ns; now = monotonic_ns())
    wait_on(nobody, now + 10'000'000 < deadline_ns ? now + 10'000'000 : deadline_ns);
}

bool network_configuring() { return dhcp_waiting(); }

void network_wait_configured(uint64_t deadline_ns) {
  while (network_configuring() && monotonic_ns() < deadline_ns)
    wait_on(g_configured_wait, deadline_ns);
  if (network_configuring())
    kprintf("kiln: network: no DHCP lease yet; starting the program anyway\n");
}

void network_init(const BootConfig& config) {
  net::StackConfig cfg;
  cfg.random = stack_random;
  cfg.kick = wake_network;
  // A connection in TIME_WAIT keeps its socket (1.5 to 4 KiB of heap):
  // one for every 64 KiB of RAM, so a server closing each connection
  // first (php-cgi behind nginx) cannot run the kernel out of memory.
  cfg.max_time_wait = total_ram_bytes() / (64 * 1024);
  g_stack = new net::Stack(cfg);
  if (!g_stack) {
    kprintf("kiln: network: out of memory\n");
    return;
  }
  for (size_t i = 0; i < drivers::net_device_count(); i++) {
    net::NetDevice* dev = drivers::net_device(i);
    char name[16];
    format(name, sizeof name, "eth%lu", i);
    if (!dev || !g_stack->add_interface(dev, name)) continue;
    dev->set_notifier(wake_network, nullptr);
  }
  uint64_t now = monotonic_ns();
  for (size_t i = 0; i < config.nnet; i++) net_configure(g_stack, config.net[i], now);
  for (net::Interface* ifc = g_stack->first_interface(); ifc; ifc = g_stack->next_interface(ifc))
    if (!ifc->loopback()) net_print_interface(ifc, "");
  if (!thread_create_kernel(network_thread, nullptr)) kprintf("kiln: network: no thread\n");
}

}  // namespace kiln
