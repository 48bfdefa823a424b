// `kiln run` networking: Rumprun's -I (interfaces), -W (their addresses)
// and -n (the deprecated one-flag form), plus -p HOSTPORT:GUESTPORT, turned
// into QEMU netdevs and the boot JSON's "net" list (docs/internals.md,
// "Boot configuration"; docs/user-guide.md).
//
// Call order: add_*() for every flag in command-line order, then finish()
// once; interfaces() and entries() are complete only after finish().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln::cli {

struct NetInterface {
  std::string tag = {};   // the -I tag, also QEMU's netdev id
  std::string type = {};  // "tap" or "user"
  std::string name = {};  // "eth0", "eth1"... in -I order
  std::string mac = {};   // "52:54:00:xx:xx:xx"
  std::vector<std::string> options = {};  // KEY=VALUE for -netdev (ifname=, hostfwd=...)
};

// One element of the boot JSON "net": an interface and one address
// configuration of it.
struct NetEntry {
  std::string ifname = {}, tag = {}, mac = {};
  std::string type = {};    // "inet" or "inet6"
  std::string method = {};  // "static", "dhcp", "auto", or "none" (link up, no address)
  std::string addr = {}, mask = {}, gw = {};  // static only; gw may be ""
};

class NetPlan {
 public:
  void add_interface(const std::string& spec);     // -I TAG,TYPE[,KEY=VALUE...]
  void add_address(const std::string& spec);       // -W TAG,NETSPEC
  void add_legacy(const std::string& spec);        // -n NETSPEC
  void add_port_forward(const std::string& spec);  // -p [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]
  // Checks the whole (tags, -n against -I, forwarded ports), adds what is
  // implied, names the interfaces and gives them MACs derived from INSTANCE
  // (the instance name) and their index. Throws UsageError.
  void finish(const std::string& instance);

  const std::vector<NetInterface>& interfaces() const { return m_ifs; }
  const std::vector<NetEntry>& entries() const { return m_entries; }

 private:
  struct Address {
    std::string tag = {}, type = {}, method = {}, addr = {}, mask = {}, gw = {};
  };
  struct Forward {
    std::string proto, host_addr, guest_addr;
    unsigned host_port = 0, guest_port = 0;
  };
  static Address parse_netspec(const std::string& tag, const std::vector<std::string>& fields, size_t first,
                               const std::string& what);
  static Forward parse_hostfwd(const std::string& value, const std::string& what);
  static Forward parse_publish(const std::string& spec);
  NetInterface* find(const std::string& tag);
  std::string free_tag() const;
  void fit_user_networks();
  void forward_ports();
  void check_forwards() const;
  void assign_macs(const std::string& instance);

  std::vector<NetInterface> m_ifs;
  std::vector<Address> m_addrs;
  std::vector<Forward> m_publish;  // -p
  std::vector<NetEntry> m_entries;
  bool m_used_interface = false, m_used_legacy = false;
};

// True if WORD has the shape of a -p port forward ("8080:80",
// "127.0.0.1:8080:80/udp"), which is how `-p` (paused) and `-p SPEC` are
// told apart.
bool looks_like_port_forward(std::string_view word);

}  // namespace kiln::cli
