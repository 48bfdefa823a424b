#include "posix/network.h"

#include "core/clock.h"
#include "core/console.h"
#include "core/random.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "net/addr.h"
#include "net/interface.h"
#include "net/stack.h"

namespace kiln {
namespace {

net::Stack* g_stack;
WaitList g_net_wait;
bool g_kicked;

void stack_random(void*, void* out, size_t n) { random_bytes(out, n); }

void wake_network(void*) {
  g_kicked = true;
  wake_list(g_net_wait, -1);
}

[[noreturn]] void network_thread(void*) {
  for (;;) {
    g_kicked = false;
    g_stack->poll(monotonic_ns());
    if (g_kicked) continue;
    uint64_t next = g_stack->next_deadline();
    wait_on(g_net_wait, next == ~0ull ? 0 : (next ? next : 1));
  }
}

const char* mac_text(const net::MacAddr& m, char* buf, size_t cap) {
  format(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x", m.b[0], m.b[1], m.b[2], m.b[3], m.b[4], m.b[5]);
  return buf;
}

net::Interface* find_interface(const char* name) {
  return name ? g_stack->interface_by_name(name) : nullptr;
}

void configure(const NetEntry& e, uint64_t now) {
  net::Interface* ifc = find_interface(e.ifname);
  if (!ifc) {
    kprintf("kiln: network: no interface %s for %s\n", e.ifname ? e.ifname : "?", e.method);
    return;
  }
  if (strcmp(e.type, "inet") == 0 && strcmp(e.method, "static") == 0) {
    net::Ip4 addr, gw;
    if (!e.addr || !net::parse_ip4(e.addr, &addr) || e.prefix < 0 || e.prefix > 32) {
      kprintf("kiln: network: %s: bad static address\n", e.ifname);
      return;
    }
    g_stack->set_ipv4(ifc, addr, e.prefix, now);
    if (e.gw && net::parse_ip4(e.gw, &gw)) g_stack->set_default_gateway(gw, ifc);
  } else if (strcmp(e.method, "none") != 0) {
    kprintf("kiln: network: %s: %s %s is not offered yet\n", e.ifname, e.type, e.method);
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

void network_init(const BootConfig& config) {
  net::StackConfig cfg;
  cfg.random = stack_random;
  cfg.kick = wake_network;
  g_stack = new net::Stack(cfg);
  if (!g_stack) return;
  for (size_t i = 0; i < drivers::net_device_count(); i++) {
    net::NetDevice* dev = drivers::net_device(i);
    char name[16];
    format(name, sizeof name, "eth%lu", i);
    if (!dev || !g_stack->add_interface(dev, name)) continue;
    dev->set_notifier(wake_network, nullptr);
  }
  uint64_t now = monotonic_ns();
  for (size_t i = 0; i < config.nnet; i++) configure(config.net[i], now);
  for (net::Interface* ifc = g_stack->first_interface(); ifc; ifc = g_stack->next_interface(ifc)) {
    if (ifc->loopback()) continue;
    char mac[20], ip[16] = "unconfigured";
    if (ifc->has_ip4()) net::format_ip4(ifc->ip, ip, sizeof ip);
    if (ifc->has_ip4())
      kprintf("kiln: %s %s inet %s/%d\n", ifc->name, mac_text(ifc->mac, mac, sizeof mac), ip, ifc->prefix);
    else
      kprintf("kiln: %s %s %s\n", ifc->name, mac_text(ifc->mac, mac, sizeof mac), ip);
  }
  if (!thread_create_kernel(network_thread, nullptr)) kprintf("kiln: network: no thread\n");
}

}  // namespace kiln
