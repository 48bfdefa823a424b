// Applying the launcher's -W configurations (boot JSON "net") to the
// stack's interfaces: static IPv4 with a gateway, DHCP (with
// /etc/resolv.conf from the lease), IPv6 autoconfiguration and static
// IPv6 addresses. Used by the network thread (network.cpp).
#pragma once

#include <stdint.h>

#include "core/bootcfg.h"

namespace kiln {

namespace net {
class Stack;
class Interface;
}  // namespace net

void net_configure(net::Stack* stack, const NetEntry& e, uint64_t now_ns);
// "kiln: eth0 52:54:00:.. inet 10.0.120.120/24 inet6 fd00::1/64 ..." with
// `how` appended ("", " (dhcp)").
void net_print_interface(net::Interface* ifc, const char* how);

// The DHCP clients: polled after the stack; the earliest deadline of all.
uint64_t dhcp_poll(uint64_t now_ns);
// True while a DHCP-configured interface has never had a lease.
bool dhcp_waiting();

}  // namespace kiln
