// Configuring the interfaces from the boot configuration (-W): static
// addresses and routes, DHCP clients (with the program waiting for their
// lease, as Rumprun did), IPv6; the "network" subsystem.
#include "core/clock.h"
#include "core/console.h"
#include "core/thread.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/mem.h"
#include "net/addr.h"
#include "net/dhcp_client.h"
#include "net/interface.h"
#include "net/stack.h"
#include "file/vfs.h"
#include "init/subsystem.h"
#include "socket/network.h"

namespace kiln {
namespace {

constexpr size_t kMaxDhcp = 4;
net::DhcpClient* g_dhcp[kMaxDhcp];
net::Interface* g_dhcp_ifc[kMaxDhcp];
bool g_leased[kMaxDhcp];
size_t g_ndhcp;

// The first line of a resolv.conf kiln wrote: later leases may replace it,
// but a file the image brought is left alone.
constexpr char kResolvMark[] = "# written by kiln from a DHCP lease\n";

bool resolv_conf_is_ours(fs::Node* n) {
  fs::Attr a;
  if (n->getattr(&a) < 0) return false;
  if (a.size == 0) return true;  // the default, empty file
  char head[sizeof kResolvMark - 1];
  return a.size >= sizeof head && n->read(0, head, sizeof head) == long(sizeof head) &&
         memcmp(head, kResolvMark, sizeof head) == 0;
}

void write_resolv_conf(const net::DhcpLease& lease) {
  if (!lease.dns_count && !lease.domain[0]) return;
  char text[512];
  size_t n = format(text, sizeof text, "%s", kResolvMark);
  if (lease.domain[0]) n += format(text + n, sizeof text - n, "search %s\n", lease.domain);
  for (size_t i = 0; i < lease.dns_count && n < sizeof text; i++) {
    char ip[16];
    net::format_ip4(lease.dns[i], ip, sizeof ip);
    n += format(text + n, sizeof text - n, "nameserver %s\n", ip);
  }
  if (n >= sizeof text) n = sizeof text - 1;
  fs::Location loc;
  if (vfs().resolve(vfs().root(), "/etc/resolv.conf", fs::kFollow, &loc) < 0) return;
  if (resolv_conf_is_ours(loc.node)) {
    fs::Attr a;
    a.size = 0;
    if (loc.node->setattr(a, fs::kSetSize) == 0) loc.node->write(0, text, n);
  }
  fs::location_put(loc);
}

void net_print_interface(net::Interface* ifc, const char* how) {
  char line[256], ip[48];
  const net::MacAddr& m = ifc->mac;
  size_t n = format(line, sizeof line, "kiln: %s %02x:%02x:%02x:%02x:%02x:%02x", ifc->name, m.b[0],
                    m.b[1], m.b[2], m.b[3], m.b[4], m.b[5]);
  bool any = false;
  if (ifc->has_ip4()) {
    net::format_ip4(ifc->ip, ip, sizeof ip);
    n += format(line + n, sizeof line - n, " inet %s/%d", ip, ifc->prefix);
    any = true;
  }
  for (const net::Ip6Slot& s : ifc->ip6) {
    if (!s.used || n >= sizeof line) continue;
    net::format_ip6(s.addr, ip, sizeof ip);
    n += format(line + n, sizeof line - n, " inet6 %s/%u", ip, unsigned(s.prefix));
    any = true;
  }
  if (!any && n < sizeof line) n += format(line + n, sizeof line - n, " unconfigured");
  kprintf("%s%s\n", line, how);
}

// Called by the client after it (re)configured or unconfigured the interface.
void on_lease(void* ctx, net::DhcpEvent ev, const net::DhcpLease& lease) {
  size_t i = reinterpret_cast<size_t>(ctx);
  if (ev == net::DhcpEvent::Lost) {
    kprintf("kiln: network: %s: the DHCP lease ended\n", g_dhcp_ifc[i]->name);
    return;
  }
  write_resolv_conf(lease);
  if (ev == net::DhcpEvent::Bound) {
    g_leased[i] = true;
    net_print_interface(g_dhcp_ifc[i], " (dhcp)");
  }
}

void configure_dhcp(net::Stack* stack, net::Interface* ifc, uint64_t now) {
  if (g_ndhcp == kMaxDhcp) {
    kprintf("kiln: network: %s: at most %lu interfaces use DHCP\n", ifc->name, kMaxDhcp);
    return;
  }
  size_t i = g_ndhcp;
  auto c = new net::DhcpClient(stack, ifc, on_lease, reinterpret_cast<void*>(i));
  if (!c) {
    kprintf("kiln: network: %s: out of memory for DHCP\n", ifc->name);
    return;
  }
  g_dhcp_ifc[i] = ifc;
  if (long r = c->start(now); r < 0) {
    kprintf("kiln: network: %s: DHCP cannot start (error %ld)\n", ifc->name, -r);
    delete c;
    return;
  }
  g_dhcp[g_ndhcp++] = c;
}

bool static_ipv4(net::Stack* stack, net::Interface* ifc, const NetEntry& e, uint64_t now) {
  net::Ip4 addr, gw;
  if (!e.addr || !net::parse_ip4(e.addr, &addr) || e.prefix < 0 || e.prefix > 32) return false;
  if (e.gw && !net::parse_ip4(e.gw, &gw)) return false;
  stack->set_ipv4(ifc, addr, e.prefix, now);
  if (e.gw) stack->set_default_gateway(gw, ifc);
  return true;
}

bool static_ipv6(net::Stack* stack, net::Interface* ifc, const NetEntry& e, uint64_t now) {
  net::Ip6 addr, gw;
  int prefix = e.prefix < 0 ? 64 : e.prefix;
  if (!e.addr || !net::parse_ip6(e.addr, &addr) || prefix > 128) return false;
  if (e.gw && !net::parse_ip6(e.gw, &gw)) return false;
  stack->enable_ipv6(ifc, now);
  if (!stack->add_ipv6(ifc, addr, prefix, now)) return false;
  if (e.gw) ifc->router = gw, ifc->router_until = ~0ull;
  return true;
}

void net_configure(net::Stack* stack, const NetEntry& e, uint64_t now) {
  net::Interface* ifc = e.ifname ? stack->interface_by_name(e.ifname) : nullptr;
  if (!ifc) {
    kprintf("kiln: network: no interface %s\n", e.ifname ? e.ifname : "(unnamed)");
    return;
  }
  bool inet = strcmp(e.type, "inet") == 0, inet6 = strcmp(e.type, "inet6") == 0;
  bool ok = true;
  if (strcmp(e.method, "none") == 0)
    ;
  else if (inet && strcmp(e.method, "static") == 0)
    ok = static_ipv4(stack, ifc, e, now);
  else if (inet && strcmp(e.method, "dhcp") == 0)
    configure_dhcp(stack, ifc, now);
  else if (inet6 && strcmp(e.method, "auto") == 0)
    stack->enable_ipv6(ifc, now);
  else if (inet6 && strcmp(e.method, "static") == 0)
    ok = static_ipv6(stack, ifc, e, now);
  else
    kprintf("kiln: network: %s: unknown configuration %s,%s\n", ifc->name, e.type, e.method);
  if (!ok) kprintf("kiln: network: %s: bad %s static address\n", ifc->name, e.type);
}

uint64_t dhcp_poll(uint64_t now) {
  uint64_t next = ~0ull;
  for (size_t i = 0; i < g_ndhcp; i++) {
    g_dhcp[i]->poll(now);
    uint64_t d = g_dhcp[i]->next_deadline();
    if (d < next) next = d;
  }
  return next;
}

bool dhcp_waiting() {
  for (size_t i = 0; i < g_ndhcp; i++)
    if (!g_leased[i]) return true;
  return false;
}

WaitList g_configured_wait;  // threads in wait_configured

uint64_t poll(uint64_t now) {
  uint64_t next = dhcp_poll(now);
  if (!dhcp_waiting()) wake_list(g_configured_wait, -1);
  return next;
}

void start(const BootConfig& config) {
  if (!network_start()) return;
  net::Stack* stack = network_stack();
  uint64_t now = monotonic_ns();
  for (size_t i = 0; i < config.nnet; i++) net_configure(stack, config.net[i], now);
  for (net::Interface* ifc = stack->first_interface(); ifc; ifc = stack->next_interface(ifc))
    if (!ifc->loopback()) net_print_interface(ifc, "");
  network_set_poller(poll);
}

void wait_configured(uint64_t deadline_ns) {
  while (dhcp_waiting() && monotonic_ns() < deadline_ns) wait_on(g_configured_wait, deadline_ns);
  if (dhcp_waiting()) kprintf("kiln: network: no DHCP lease yet; starting the program anyway\n");
}

KILN_SET_ENTRY(subsystems, Subsystem, g_network) = {"network", start, dhcp_waiting,
                                                    wait_configured, network_drain};

}  // namespace
}  // namespace kiln
