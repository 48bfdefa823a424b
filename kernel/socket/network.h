// The kernel side of networking: one network thread drives the stack
// (kernel/net) — received frames, timers, DHCP, transmit flushes — and the
// program's AF_INET/AF_INET6 sockets are files over the stack's sockets.
#pragma once

#include <stdint.h>

#include "socket/socket.h"

namespace kiln {

namespace net {
class Stack;
}

// Makes the stack, registers the network devices as eth0, eth1... and
// starts the thread; false (said on the console) when out of memory. The
// interfaces are configured by init (init/net_config.cpp).
bool network_start();
net::Stack* network_stack();
// Something the network thread runs on each pass (the DHCP clients): it
// returns when it wants to run next (~0: only when woken).
void network_set_poller(uint64_t (*poll)(uint64_t now_ns));

// The interface ioctls (ifreq.cpp), for AF_INET's SocketFamily entry.
[[nodiscard]] long interface_ioctl(uint64_t cmd, uint64_t arg);

// Wakes the network thread for what a socket call queued. The kernel is
// not preemptive, so calls into the stack need no lock.
void network_kick();

// At program exit, after every socket was closed: lets the network thread
// run until no connection has data or a FIN left to deliver, or until
// `deadline_ns`.
void network_drain(uint64_t deadline_ns);

}  // namespace kiln
