#include "socket/network.h"

#include "core/clock.h"
#include "core/console.h"
#include "core/random.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "net/interface.h"
#include "net/stack.h"
#include "core/memory.h"

namespace kiln {
namespace {

net::Stack* g_stack;
WaitList g_net_wait;
bool g_kicked;
uint64_t (*g_poller)(uint64_t now_ns);

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
    uint64_t polled = g_poller ? g_poller(now) : ~0ull;
    if (polled < next) next = polled;
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

void network_set_poller(uint64_t (*poll)(uint64_t now_ns)) { g_poller = poll; }

bool network_start() {
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
    return false;
  }
  for (size_t i = 0; i < drivers::net_device_count(); i++) {
    net::NetDevice* dev = drivers::net_device(i);
    char name[16];
    format(name, sizeof name, "eth%lu", i);
    if (!dev || !g_stack->add_interface(dev, name)) continue;
    dev->set_notifier(wake_network, nullptr);
  }
  if (thread_create_kernel(network_thread, nullptr)) return true;
  kprintf("kiln: network: no thread\n");
  return false;
}

}  // namespace kiln
