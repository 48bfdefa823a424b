// kiln run --syslog: /dev/log's messages go to a remote server instead of
// the console, one UDP datagram each (RFC 5426) in RFC 5424's format
// (syslog/format.h says why), with the instance's name as HOSTNAME: the
// seeds' rsyslog set-up keeps one log per host. The "syslog" subsystem; a
// kernel without a network stack lacks it, and init refuses --syslog there.
#include "core/clock.h"
#include "core/console.h"
#include "init/subsystem.h"
#include "net/addr.h"
#include "net/byte_ring.h"
#include "abi/linux/errno.h"
#include "abi/linux/socket.h"
#include "net/socket.h"
#include "net/stack.h"
#include "socket/dev_log.h"
#include "socket/network.h"
#include "syslog/format.h"

namespace kiln {
namespace {

net::Endpoint g_server;
const char* g_hostname;
net::Socket* g_socket;
bool g_failure_said;
// One message at a time: senders run to completion (no kernel preemption).
char g_datagram[syslog::kMaxDatagram];

// Made at the first message, when the interfaces are configured (a DHCP
// one before the program starts). 0 or -errno.
long connect_to_server() {
  if (g_socket) return 0;
  net::Stack* stack = network_stack();
  if (!stack) return -kENETUNREACH;
  net::Socket* s;
  long r = stack->socket(g_server.addr.v6 ? kAF_INET6 : kAF_INET, kSOCK_DGRAM, 0, &s);
  if (r < 0) return r;
  if ((r = s->connect(g_server, monotonic_ns())) < 0) {
    s->close(monotonic_ns());
    return r;
  }
  g_socket = s;
  return 0;
}

// A message that cannot leave (no route yet, no buffer) goes to the console
// instead, and the next one tries again: nothing is dropped unsaid.
bool forward(const syslog::Message& m) {
  long r = connect_to_server();
  if (r == 0) {
    size_t n = syslog::format_rfc5424(m, realtime_ns(), g_hostname, g_datagram, sizeof g_datagram);
    net::BufferSource bytes(g_datagram, n);
    r = g_socket->send(bytes, 0, nullptr, monotonic_ns());
    network_kick();
  }
  if (r >= 0) return true;
  if (!g_failure_said) {
    kprintf("kiln: syslog: cannot send to the server (error %ld); messages go to the console "
            "until it works\n", -r);
    g_failure_said = true;
  }
  return false;
}

void start(const BootConfig& config) {
  const SyslogTarget& target = config.syslog;
  if (!target.addr) return;
  net::Ip4 a4;
  net::Ip6 a6;
  if (net::parse_ip4(target.addr, &a4)) {
    g_server.addr = net::IpAddr::of(a4);
  } else if (net::parse_ip6(target.addr, &a6)) {
    g_server.addr = net::IpAddr::of(a6);
  } else {
    kprintf("kiln: syslog: %s is not an IP address; messages go to the console\n", target.addr);
    return;
  }
  g_server.port = uint16_t(target.port);
  g_hostname = target.hostname ? target.hostname : config.hostname;
  dev_log_set_forwarder(forward);
}

KILN_SET_ENTRY(subsystems, Subsystem, g_syslog) = {"syslog", start, nullptr, nullptr, nullptr};

}  // namespace
}  // namespace kiln
