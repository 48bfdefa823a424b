// The kernel side of networking: one network thread drives the stack
// (kernel/net) — received frames, timers, DHCP, transmit flushes — and the
// program's AF_INET/AF_INET6 sockets are files over the stack's sockets.
#pragma once

#include <stdint.h>

#include "core/bootcfg.h"
#include "socket/socket.h"

namespace kiln {

namespace net {
class Stack;
}

// Registers the network devices as eth0, eth1..., applies the boot
// configuration (static addresses and routes, DHCP, IPv6), prints what is
// configured, starts the thread.
void network_init(const BootConfig& config);
net::Stack* network_stack();

// True while an interface configured by DHCP has no lease yet: the program
// should start only once it has one (Rumprun waited too).
bool network_configuring();
// Blocks the calling thread until network_configuring() is false or the
// deadline passes; says on the console when it gives up.
void network_wait_configured(uint64_t deadline_ns);

// socket(AF_INET / AF_INET6, ...).
long make_inet_socket(int family, int type, int protocol, Socket** out);

// Wakes the network thread for what a socket call queued. The kernel is
// not preemptive, so calls into the stack need no lock.
void network_kick();

// At program exit, after every socket was closed: lets the network thread
// run until no connection has data or a FIN left to deliver, or until
// `deadline_ns`.
void network_drain(uint64_t deadline_ns);

}  // namespace kiln
