// The kernel side of networking: one network thread drives the stack
// (kernel/net) — received frames, timers, transmit flushes — and the
// program's AF_INET/AF_INET6 sockets are files over the stack's sockets.
#pragma once

#include "core/bootcfg.h"
#include "posix/socket.h"

namespace kiln {

namespace net {
class Stack;
}

// Registers the network devices as eth0, eth1..., applies the boot
// configuration's addresses and routes, prints them, starts the thread.
void network_init(const BootConfig& config);
net::Stack* network_stack();

// socket(AF_INET / AF_INET6, ...).
long make_inet_socket(int family, int type, int protocol, Socket** out);

// Serializes the program's calls into the stack with the network thread:
// the kernel is not preemptive, so this only needs the thread to be woken
// afterwards for what the call queued.
void network_kick();

// At program exit, after every socket was closed: lets the network thread
// run until no connection has data or a FIN left to deliver, or until
// `deadline_ns`.
void network_drain(uint64_t deadline_ns);

}  // namespace kiln
