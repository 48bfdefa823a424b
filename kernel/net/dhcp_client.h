// A DHCPv4 client (RFC 2131) for one interface: DISCOVER, OFFER, REQUEST,
// ACK; renewal at T1 (unicast to the server), rebinding at T2 (broadcast),
// and the end of the lease. It configures the interface's address and the
// default gateway itself and reports each lease (DNS servers, domain) to
// the caller, which writes /etc/resolv.conf.
//
// The kernel's network thread calls poll() after Stack::poll() and sleeps
// until the earlier of both next_deadline()s; replies wake the thread
// through the stack's kick callback.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "lib/fallible.h"

namespace kiln::net {

class Stack;
class Socket;
class Interface;

struct DhcpLease {
  Ip4 addr, router, server;
  int prefix = 0;
  Ip4 dns[4];
  size_t dns_count = 0;
  uint32_t lease_s = 0, t1_s = 0, t2_s = 0;
  char domain[64] = {};
};

enum class DhcpEvent : uint8_t { Bound, Renewed, Lost };

class DhcpClient : public Fallible {
 public:
  enum class State : uint8_t { Init, Selecting, Requesting, Bound, Renewing, Rebinding, Stopped };
  using Callback = void (*)(void* ctx, DhcpEvent ev, const DhcpLease& lease);

  DhcpClient(Stack* st, Interface* ifc, Callback cb, void* ctx);
  // Closes the client's socket: destroy the client before the stack.
  ~DhcpClient();
  // Opens the client's socket (port 68) and sends the first DISCOVER.
  // 0 or -errno (-kEADDRINUSE: another client holds port 68).
  [[nodiscard]] long start(uint64_t now_ns);
  void poll(uint64_t now_ns);
  // Gives the lease back (DHCPRELEASE) and removes the address; the client
  // then stays idle until start(). For an orderly shutdown.
  void release(uint64_t now_ns);
  uint64_t next_deadline() const { return readable_ ? now_ : deadline_; }
  State state() const { return state_; }
  const DhcpLease& lease() const { return lease_; }

 private:
  static void on_readable(void* ctx, Socket* s);
  void receive(const uint8_t* p, size_t len);
  void send(uint8_t type);
  void enter(State s);
  void schedule_retry();
  void configure();
  void unconfigure();

  Stack* stack_;
  Interface* ifc_;
  Callback cb_;
  void* ctx_;
  Socket* sock_ = nullptr;
  State state_ = State::Init;
  uint32_t xid_ = 0;
  uint64_t now_ = 0, deadline_ = UINT64_MAX, started_ = 0;
  uint64_t bound_at_ = 0;
  uint32_t tries_ = 0;
  bool readable_ = false;
  DhcpLease offer_, lease_;
};

}  // namespace kiln::net
