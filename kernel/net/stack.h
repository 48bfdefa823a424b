// The TCP/IP stack: interfaces, ARP, IPv4, ICMP, UDP, TCP and the socket
// objects the kernel's socket layer wraps. Portable and single-threaded:
// the kernel calls it from one context at a time (its network thread and
// system calls, serialised by the kernel's no-preemption rule), and hands
// it the time as `now_ns` (any monotonic clock). See README.md.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "net/addr.h"
#include "net/interface.h"
#include "net/netif.h"
#include "net/packet.h"
#include "net/reassembly.h"
#include "net/socket.h"

namespace kiln::net {

class Socket;

// What transports learn of the datagram that carried them.
struct NetHdr {
  Interface* ifc;
  IpAddr src, dst;
  const uint8_t* hdr;  // the IP header, quoted in ICMP errors
  size_t hlen;
  bool multicast;      // broadcast or multicast destination
  bool csum_ok = false;  // the device checked the transport checksum
};

struct StackConfig {
  // Random bytes for initial sequence numbers, ephemeral ports and IP ids.
  void (*random)(void* ctx, void* out, size_t n) = nullptr;
  void* random_ctx = nullptr;
  // Called when the stack has work for poll() sooner than next_deadline()
  // said (a new timer, a packet sent to ourselves): wakes the network
  // thread. May be called from any stack entry point; must not re-enter.
  void (*kick)(void* ctx) = nullptr;
  void* kick_ctx = nullptr;

  uint64_t msl_ns = 30'000'000'000ull;  // TIME_WAIT lasts 2*MSL
  // At most this many connections wait in TIME_WAIT; past it a closing one
  // skips the wait, as Linux does past tcp_max_tw_buckets. Each waits with
  // its whole socket, so the kernel scales this with the guest's memory.
  size_t max_time_wait = 4096;
  uint64_t arp_timeout_ns = 60'000'000'000ull;
  uint64_t arp_retry_ns = 1'000'000'000ull;
  uint32_t arp_tries = 3;
  uint64_t rto_initial_ns = 1'000'000'000ull;
  uint64_t rto_min_ns = 200'000'000ull;
  uint64_t rto_max_ns = 120'000'000'000ull;
  uint64_t delack_ns = 40'000'000ull;
  uint32_t syn_retries = 6;
  uint32_t data_retries = 15;
  uint32_t icmp_rate = 100;   // ICMP errors per second (token bucket)
  uint32_t icmp_burst = 50;
  uint32_t challenge_acks = 1000;  // per second, all connections together
  // Frames an interface keeps while its device's transmit ring is full
  // (Linux's txqueuelen is 1000); past this they are dropped.
  size_t tx_queue = 512;
  uint8_t ttl = 64;
  bool tcp_sack = true;  // offer and accept SACK (RFC 2018)
};

struct StackStats {
  uint64_t ip_in, ip_bad, ip_forward_drop, ip_out, frag_out, reasm_ok, icmp_in, icmp_out,
      icmp_limited, udp_in, udp_no_port, tcp_in, tcp_bad, tcp_out, tcp_rexmit, tcp_timeouts,
      tcp_rst_out,
      arp_in, arp_out;
};

class Stack {
 public:
  explicit Stack(const StackConfig& cfg = {});
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // The loopback interface "lo" (127.0.0.1/8) exists from the start.
  Interface* loopback() { return lo_; }
  // Registers a device as interface `name` and installs the stack as its
  // receiver. nullptr on OOM.
  Interface* add_interface(NetDevice* dev, const char* name);
  Interface* interface_by_name(const char* name);
  Interface* first_interface() { return ifaces_.front(); }
  Interface* next_interface(Interface* i) { return ifaces_.next_of(i); }

  // Sets (prefix 0..32) or removes (prefix < 0) the interface's address;
  // adds the connected route and announces the address (gratuitous ARP).
  void set_ipv4(Interface* ifc, Ip4 addr, int prefix, uint64_t now_ns);
  // Routes: longest prefix wins; a gateway of 0.0.0.0 means on-link.
  // Returns false when the table (16 routes) is full.
  bool add_route(Ip4 dest, int prefix, Ip4 gateway, Interface* ifc);
  void remove_routes(Interface* ifc);
  bool set_default_gateway(Ip4 gw, Interface* ifc) { return add_route(Ip4{}, 0, gw, ifc); }

  // IPv6 on a device interface: a link-local address from the MAC (EUI-64),
  // duplicate address detection, router solicitations; advertised prefixes
  // then add global addresses (SLAAC) and the default router. The loopback
  // has ::1 from the start.
  void enable_ipv6(Interface* ifc, uint64_t now_ns);
  // A static IPv6 address (after enable_ipv6); false when all slots are used.
  bool add_ipv6(Interface* ifc, const Ip6& addr, int prefix, uint64_t now_ns);

  // Processes received frames (called through the device's receiver, from
  // inside dev->poll()), expires timers and flushes devices. The network
  // thread calls this when woken and at next_deadline().
  void poll(uint64_t now_ns);
  // The earliest time poll() has timer work (UINT64_MAX: none).
  uint64_t next_deadline() const { return next_timer_; }
  // One received Ethernet frame (poll() gets them from the devices; tests
  // and the fuzzer may call it directly).
  // `csum_ok`: the driver vouches for its TCP/UDP checksum (NetDevice).
  void input(Interface* ifc, const uint8_t* frame, size_t len, uint64_t now_ns,
             bool csum_ok = false);

  // A new socket: family kAfInet/kAfInet6, type 1 (stream) or 2 (datagram),
  // protocol 0 or the matching IPPROTO. 0 or -errno.
  [[nodiscard]] long socket(int family, int type, int protocol, Socket** out);

  const StackConfig& config() const { return cfg_; }
  StackStats stats = {};
  size_t socket_count() const { return sockets_; }
  size_t time_wait_count() const { return time_wait_; }
  // Connections still delivering what was sent or closed: unacknowledged
  // data or a FIN on its way (TIME_WAIT does not count), and packets
  // waiting for their device's ring, for a neighbour's link address or for
  // the device to take them (a last datagram, a last syslog message). At
  // program exit the kernel closes every socket, then keeps polling until
  // this is 0 (or a second passes) so the last bytes and FINs reach the
  // peers.
  size_t draining();

  // --- Below: for the stack's own files. ---
  uint64_t now() const { return now_; }
  void poll_time(uint64_t now_ns) {
    if (now_ns > now_) now_ = now_ns;
  }
  void note_timer(uint64_t deadline);
  void random(void* out, size_t n);
  Ip4 source_for(Ip4 dst);
  // The largest IP datagram TCP may hand to `dst`'s interface for it to
  // cut into segments (NetDevice::tso_max); 0 when it cannot.
  size_t tso_limit(const IpAddr& dst);
  // The source address for `dst` (any: no route). IPv4 or IPv6.
  IpAddr source_for(const IpAddr& dst);
  // Sends an IP datagram whose payload is `p`; takes ownership. 0 or -errno.
  // `via` picks the interface for limited broadcasts and IPv6 link-scope
  // destinations (SO_BINDTODEVICE).
  [[nodiscard]] long ip4_output(Packet* p, Ip4 src, Ip4 dst, uint8_t proto, uint8_t tos = 0, uint8_t ttl = 0,
                  bool df = false, Interface* via = nullptr);
  [[nodiscard]] long ip6_output(Packet* p, const Ip6& src, const Ip6& dst, uint8_t proto, uint8_t tclass = 0,
                  uint8_t hops = 0, Interface* via = nullptr);
  [[nodiscard]] long ip_output(Packet* p, const IpAddr& src, const IpAddr& dst, uint8_t proto, uint8_t tos = 0,
                 uint8_t ttl = 0, Interface* via = nullptr);
  // ICMP error about a received datagram (`ip` = its header and payload).
  void icmp_error(uint8_t type, uint8_t code, const uint8_t* ip, size_t len, uint32_t extra = 0);
  void icmp6_error(uint8_t type, uint8_t code, const uint8_t* ip, size_t len, uint32_t extra = 0);
  // Port unreachable (or protocol unreachable) for a datagram of either family.
  void unreachable(const NetHdr& h, const uint8_t* l4, size_t len, bool port);
  bool is_local(Ip4 a) const;
  bool is_local(const IpAddr& a) const;
  // Sends what socket calls queued: loopback deliveries, device kicks.
  void flush();
  bool is_broadcast(Ip4 a) const;

  // Socket registries (socket.cpp, tcp_*.cpp).
  Socket* tcp_lookup(const Endpoint& local, const Endpoint& remote);
  Socket* tcp_find_listener(const Endpoint& local, const Endpoint& remote);
  void tcp_hash(Socket* s);
  void tcp_unhash(Socket* s);
  bool port_in_use(bool stream, const Endpoint& local, const Socket* self, const Endpoint* remote);
  uint16_t ephemeral_port(bool stream, const Endpoint& local, const Endpoint* remote);
  void destroy(Socket* s);
  // Moves the socket to a registry (nullptr: none).
  void file(Socket* s, List<Socket, &Socket::link>* registry);
  List<Socket, &Socket::link>& tcp_bound() { return tcp_bound_; }
  List<Socket, &Socket::link>& tcp_listeners() { return tcp_listen_; }
  List<Socket, &Socket::link>& tcp_conns() { return tcp_conns_; }
  void tcp_send_reset(const Endpoint& local, const Endpoint& remote, uint32_t seq, uint32_t ack,
                      bool with_ack);

 private:
  friend class Socket;
  size_t time_wait_ = 0;  // connections in TIME_WAIT now
  struct Route {
    Ip4 dest;
    int prefix = -1;  // -1: unused slot
    Ip4 gateway;
    Interface* ifc = nullptr;
  };
  static constexpr size_t kRoutes = 16;

  static void receive(void* ctx, NetDevice* dev, const uint8_t* frame, size_t len, bool csum_ok);
  const Route* route(Ip4 dst) const;
  bool tso_fits(const Interface* ifc, size_t ip_len) const;
  Interface* ip6_route(const Ip6& dst, Interface* via, Ip6* next_hop);
  void link_output(Interface* ifc, Packet* p, const IpAddr& next_hop);
  void eth_output(Interface* ifc, Packet* p, const MacAddr& dst, uint16_t type);
  // Hands the device what waits in the interface's transmit queue, oldest
  // first, until the device refuses one.
  void tx_retry(Interface* ifc);
  void arp_input(Interface* ifc, const uint8_t* p, size_t len);
  void arp_request(Interface* ifc, Ip4 target, Ip4 sender);
  void neighbor_learned(Interface* ifc, Neighbor* e, const MacAddr& mac);
  void neighbor_timers(Interface* ifc);
  void solicit(Interface* ifc, const IpAddr& ip);
  // A packet of ours (IP header first) could not be delivered: the
  // neighbour never answered. Tells its socket.
  void neighbor_failed(const uint8_t* ip, size_t len);
  void ip4_input(Interface* ifc, const uint8_t* p, size_t len, bool csum_ok = false);
  void ip4_deliver(const NetHdr& h, const uint8_t* payload, size_t plen);
  [[nodiscard]] long ip_send_one(Interface* ifc, Packet* p, const IpAddr& next_hop);
  void icmp_input(const NetHdr& h, const uint8_t* p, size_t len);
  void transport_error(uint8_t proto, const Endpoint& local, const Endpoint& remote,
                       const uint8_t* l4, size_t l4len, int err, bool hard, uint32_t mtu);
  void udp_input(const NetHdr& h, const uint8_t* p, size_t len);
  void tcp_input(const NetHdr& h, const uint8_t* p, size_t len);
  // IPv6 (ipv6.cpp, icmp6.cpp).
  void ip6_input(Interface* ifc, const uint8_t* p, size_t len, bool csum_ok = false);
  void icmp6_input(const NetHdr& h, const uint8_t* p, size_t len);
  void nd_solicit(Interface* ifc, const Ip6& target, bool dad);
  void nd_advertise(Interface* ifc, const Ip6& target, const Ip6& to, bool solicited);
  void nd_router_solicit(Interface* ifc);
  void nd_input(const NetHdr& h, const uint8_t* p, size_t len);
  void ip6_timers(Interface* ifc, uint64_t* next);
  bool icmp_allowed();
  // RFC 5961 §7: challenge ACKs are limited (per stack, per second).
  bool challenge_allowed();
  void loopback_poll();
  void run_timers();

  StackConfig cfg_;
  uint64_t now_ = 0;
  uint64_t next_timer_ = UINT64_MAX;
  List<Interface, &Interface::node> ifaces_;
  Interface* lo_ = nullptr;
  int next_index_ = 1;
  Route routes_[kRoutes];
  uint16_t ip_id_ = 0;
  uint32_t ip6_id_ = 0;
  Reassembly reasm_;
  uint64_t icmp_tokens_ = 0, icmp_refill_ = 0;
  uint64_t challenge_second_ = 0;
  uint32_t challenges_ = 0;
  size_t sockets_ = 0;
  static constexpr size_t kBuckets = 256;
  List<Socket, &Socket::link> udp_;
  List<Socket, &Socket::link> tcp_bound_;  // bound, not yet listening or connected
  List<Socket, &Socket::link> tcp_listen_;
  List<Socket, &Socket::link> tcp_conns_;  // have a remote end (and timers)
  List<Socket, &Socket::hash_node> tcp_buckets_[kBuckets];
  bool in_loop_poll_ = false;
};

}  // namespace kiln::net
