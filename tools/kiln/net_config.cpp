#include "net_config.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "errors.h"
#include "ip_addr.h"
#include "util.h"

namespace kiln::cli {

namespace {

constexpr size_t kMaxTag = 32, kMaxIfname = 15;
constexpr unsigned kMaxUserNetBits = 28;  // a /28 still holds QEMU's .15 DHCP start

// QEMU's user-mode network options kiln passes through (QEMU 7.2's
// -netdev user, less id=); mac= and hostfwd= are checked by kiln.
constexpr std::string_view kUserOptions[] = {
    "ipv4",     "ipv6",      "net",       "host",       "restrict", "hostname", "dhcpstart",
    "dns",      "dnssearch", "domainname", "ipv6-net",  "ipv6-host", "ipv6-dns", "tftp",
    "tftp-server-name", "bootfile", "smb", "smbserver", "guestfwd",
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = 0;;) {
    size_t comma = text.find(',', at);
    out.push_back(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) return out;
    at = comma + 1;
  }
}

// QEMU ids: a letter, then letters, digits, '-', '.', '_'.
bool valid_tag(const std::string& tag) {
  if (tag.empty() || tag.size() > kMaxTag || !std::isalpha(static_cast<unsigned char>(tag[0]))) return false;
  for (char c : tag)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

bool valid_ifname(const std::string& name) {
  if (name.empty() || name.size() > kMaxIfname || name == "." || name == "..") return false;
  for (char c : name)
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || !std::isprint(static_cast<unsigned char>(c)))
      return false;
  return true;
}

// "52:54:00:AB:cd:ef" -> "52:54:00:ab:cd:ef"; "" if it is not a unicast MAC.
std::string normalize_mac(const std::string& text) {
  if (text.size() != 17) return "";
  std::string out;
  bool zero = true;
  for (size_t i = 0; i < 17; ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (i % 3 == 2 ? c != ':' : !std::isxdigit(static_cast<unsigned char>(c))) return "";
    if (i % 3 != 2 && c != '0') zero = false;
    out += c;
  }
  unsigned first = static_cast<unsigned>(std::stoul(out.substr(0, 2), nullptr, 16));
  if (zero || (first & 1)) return "";  // all zero, or multicast
  return out;
}

bool parse_port(std::string_view text, unsigned& port) {
  uint64_t value = 0;
  if (!parse_uint(text, 1, 65535, value)) return false;
  port = static_cast<unsigned>(value);
  return true;
}

// FNV-1a, then a 64-bit finalizer so that "web/0" and "web/1" differ in
// every byte: a small, stable hash for the MACs.
uint64_t mac_hash(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

std::string option_key(const std::string& option) { return option.substr(0, option.find('=')); }

}  // namespace

bool looks_like_port_forward(std::string_view word) {
  // [A.B.C.D:]DIGITS:DIGITS[/tcp|/udp]
  if (word.ends_with("/tcp") || word.ends_with("/udp")) word.remove_suffix(4);
  size_t last = word.rfind(':');
  if (last == std::string_view::npos) return false;
  auto digits = [](std::string_view s) {
    if (s.empty() || s.size() > 5) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  std::string_view head = word.substr(0, last);
  size_t colon = head.rfind(':');
  std::string_view host_port = colon == std::string_view::npos ? head : head.substr(colon + 1);
  if (!digits(word.substr(last + 1)) || !digits(host_port)) return false;
  return colon == std::string_view::npos || parse_ipv4(head.substr(0, colon)).has_value();
}

NetInterface* NetPlan::find(const std::string& tag) {
  for (auto& i : m_ifs)
    if (i.tag == tag) return &i;
  return nullptr;
}

std::string NetPlan::free_tag() const {
  for (size_t k = 0;; ++k) {
    std::string tag = "net" + std::to_string(k);
    bool taken = false;
    for (const auto& i : m_ifs) taken = taken || i.tag == tag;
    if (!taken) return tag;
  }
}

NetPlan::Forward NetPlan::parse_hostfwd(const std::string& value, const std::string& what) {
  // [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, as QEMU spells it.
  auto bad = [&](const std::string& why) {
    return UsageError(what + ": hostfwd=" + value + " " + why +
                      " (format: tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)");
  };
  Forward f;
  size_t colon = value.find(':'), dash = value.find('-');
  if (colon == std::string::npos || dash == std::string::npos || dash < colon) throw bad("is malformed");
  f.proto = value.substr(0, colon).empty() ? "tcp" : value.substr(0, colon);
  if (f.proto != "tcp" && f.proto != "udp") throw bad("has protocol '" + f.proto + "', not tcp or udp");
  std::string host = value.substr(colon + 1, dash - colon - 1), guest = value.substr(dash + 1);
  size_t hc = host.rfind(':'), gc = guest.rfind(':');
  if (hc == std::string::npos || gc == std::string::npos) throw bad("is malformed");
  f.host_addr = host.substr(0, hc);
  f.guest_addr = guest.substr(0, gc);
  if (!f.host_addr.empty() && !parse_ipv4(f.host_addr)) throw bad("has a bad host address");
  if (!f.guest_addr.empty() && !parse_ipv4(f.guest_addr)) throw bad("has a bad guest address");
  if (!parse_port(host.substr(hc + 1), f.host_port) || !parse_port(guest.substr(gc + 1), f.guest_port))
    throw bad("has a port outside 1-65535");
  return f;
}

NetPlan::Forward NetPlan::parse_publish(const std::string& spec) {
  Forward f;
  f.proto = "tcp";
  std::string rest = spec;
  if (rest.ends_with("/tcp") || rest.ends_with("/udp")) {
    f.proto = rest.substr(rest.size() - 3);
    rest.resize(rest.size() - 4);
  }
  size_t last = rest.rfind(':');
  std::string head = rest.substr(0, last);
  size_t colon = head.rfind(':');
  if (colon != std::string::npos) {
    f.host_addr = head.substr(0, colon);
    head = head.substr(colon + 1);
  }
  if (!parse_port(head, f.host_port) || !parse_port(rest.substr(last + 1), f.guest_port))
    throw UsageError("run: -p " + spec + ": ports are 1-65535");
  return f;
}

void NetPlan::add_interface(const std::string& spec) {
  m_used_interface = true;
  std::vector<std::string> fields = split_commas(spec);
  std::string what = "run: -I " + spec;
  if (fields.size() < 2) throw UsageError(what + ": wants TAG,TYPE[,OPTIONS] (TYPE tap or user)");
  NetInterface nic{.tag = fields[0], .type = fields[1]};
  if (!valid_tag(nic.tag))
    throw UsageError(what + ": the tag '" + nic.tag +
                     "' must be a letter then letters, digits, '-', '.' or '_' (at most 32)");
  if (find(nic.tag)) throw UsageError(what + ": the tag " + nic.tag + " is used twice");
  if (nic.type == "vioif" || nic.type == "xenif")
    throw UsageError(what + ": kiln's TYPE is tap or user, not Rumprun's " + nic.type +
                     " with QEMU options (-I TAG,tap,ifname=tap0)");
  if (nic.type != "tap" && nic.type != "user")
    throw UsageError(what + ": unknown interface type '" + nic.type + "' (tap or user)");
  for (size_t i = 2; i < fields.size(); ++i) {
    const std::string& opt = fields[i];
    size_t eq = opt.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(what + ": '" + opt + "' is not KEY=VALUE");
    std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
    if (key == "mac") {
      if (normalize_mac(value).empty()) throw UsageError(what + ": '" + value + "' is not a unicast MAC address");
    } else if (nic.type == "tap") {
      if (key == "ifname" && !valid_ifname(value))
        throw UsageError(what + ": '" + value + "' is not a network interface name");
      if (key == "vhost" && value != "on" && value != "off") throw UsageError(what + ": vhost is on or off");
      if (key != "ifname" && key != "vhost")
        throw UsageError(what + ": unknown tap option '" + key + "' (ifname=, vhost=, mac=)");
    } else if (key == "hostfwd") {
      parse_hostfwd(value, what);
    } else {
      bool known = false;
      for (auto k : kUserOptions) known = known || key == k;
      if (!known) throw UsageError(what + ": unknown user-mode option '" + key + "' (see 'kiln help run')");
    }
    if (key != "hostfwd" && key != "guestfwd") {
      for (const auto& o : nic.options)
        if (option_key(o) == key) throw UsageError(what + ": " + key + "= is given twice");
    }
    nic.options.push_back(opt);
  }
  if (nic.type == "tap") {
    bool named = false;
    for (const auto& o : nic.options) named = named || option_key(o) == "ifname";
    if (!named) throw UsageError(what + ": a tap interface needs ifname=NAME (the host's tap device)");
  }
  m_ifs.push_back(std::move(nic));
}

NetPlan::Address NetPlan::parse_netspec(const std::string& tag, const std::vector<std::string>& fields,
                                        size_t first, const std::string& what) {
  const size_t n = fields.size() - first;
  auto bad = [&](const std::string& why) { return UsageError(what + ": " + why); };
  if (n < 2) throw bad("wants inet,dhcp, inet,static,ADDR/MASK[,GW], inet6,auto or inet6,static,ADDR/PREFIX[,GW]");
  Address a{.tag = tag, .type = fields[first], .method = fields[first + 1]};
  bool v6 = a.type == "inet6";
  if (a.type != "inet" && !v6) throw bad("the address family is inet or inet6, not '" + a.type + "'");
  if (a.method == (v6 ? "auto" : "dhcp")) {
    if (n != 2) throw bad(a.type + "," + a.method + " takes nothing more");
    return a;
  }
  if (a.method != "static")
    throw bad(a.type + " takes " + (v6 ? "auto or static" : "dhcp or static") + ", not '" + a.method + "'");
  if (n < 3 || n > 4) throw bad("wants " + a.type + ",static,ADDR/" + (v6 ? "PREFIX" : "MASK") + "[,GATEWAY]");
  const std::string& cidr = fields[first + 2];
  size_t slash = cidr.find('/');
  if (slash == std::string::npos) throw bad("'" + cidr + "' lacks its /" + (v6 ? "PREFIX" : "MASK"));
  std::string addr = cidr.substr(0, slash), mask = cidr.substr(slash + 1);
  std::string gw = n == 4 ? fields[first + 3] : "";
  uint64_t bits = 0;
  if (!v6) {
    auto ip = parse_ipv4(addr);
    if (!ip) throw bad("'" + addr + "' is not an IPv4 address");
    if (auto dotted = parse_ipv4(mask); dotted && *dotted == ipv4_mask(unsigned(__builtin_popcount(*dotted))))
      bits = unsigned(__builtin_popcount(*dotted));  // 255.255.255.0 style
    else if (!parse_uint(mask, 1, 32, bits))
      throw bad("the mask '" + mask + "' is not a prefix length from 1 to 32");
    uint32_t m = ipv4_mask(unsigned(bits)), top = *ip >> 24;
    if (*ip == 0 || top == 127 || top >= 224) throw bad(addr + " cannot be an interface's address");
    if (bits <= 30 && ((*ip & ~m) == 0 || (*ip & ~m) == ~m))
      throw bad(addr + " is the network or broadcast address of /" + mask);
    a.addr = format_ipv4(*ip);
    if (!gw.empty()) {
      auto g = parse_ipv4(gw);
      if (!g) throw bad("the gateway '" + gw + "' is not an IPv4 address");
      if (*g == *ip) throw bad("the gateway is the interface's own address");
      if (bits <= 30 && (*g & m) != (*ip & m))
        throw bad("the gateway " + gw + " is not on " + format_ipv4(*ip & m) + "/" + std::to_string(bits));
      a.gw = format_ipv4(*g);
    }
  } else {
    auto ip = parse_ipv6(addr);
    if (!ip) throw bad("'" + addr + "' is not an IPv6 address");
    if (!parse_uint(mask, 1, 128, bits)) throw bad("the prefix '" + mask + "' is not a length from 1 to 128");
    if (*ip == Ipv6{} || (*ip)[0] == 0xff || format_ipv6(*ip) == "::1")
      throw bad(addr + " cannot be an interface's address");
    a.addr = format_ipv6(*ip);
    if (!gw.empty()) {
      auto g = parse_ipv6(gw);
      if (!g || (*g)[0] == 0xff) throw bad("the gateway '" + gw + "' is not a unicast IPv6 address");
      a.gw = format_ipv6(*g);
    }
  }
  a.mask = std::to_string(bits);
  return a;
}

void NetPlan::add_address(const std::string& spec) {
  std::vector<std::string> fields = split_commas(spec);
  if (fields[0].empty()) throw UsageError("run: -W " + spec + ": wants TAG,NETSPEC, the TAG of an -I");
  Address a = parse_netspec(fields[0], fields, 1, "run: -W " + spec);
  for (const auto& other : m_addrs)
    if (other.tag == a.tag && other.type == a.type)
      throw UsageError("run: -W " + spec + ": " + a.tag + " already has an " + a.type + " configuration");
  m_addrs.push_back(std::move(a));
}

void NetPlan::add_legacy(const std::string& spec) {
  m_used_legacy = true;
  std::string tag = free_tag();
  Address a = parse_netspec(tag, split_commas(spec), 0, "run: -n " + spec);
  m_ifs.push_back(NetInterface{.tag = tag, .type = "user"});
  m_addrs.push_back(std::move(a));
}

void NetPlan::add_port_forward(const std::string& spec) {
  if (!looks_like_port_forward(spec))
    throw UsageError("run: -p " + spec + ": wants [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]");
  m_publish.push_back(parse_publish(spec));
}

// -p: onto the first user-mode interface, made if there is none, toward its
// static IPv4 address if it has one (else QEMU's default, the address its
// DHCP server hands out first).
void NetPlan::forward_ports() {
  if (m_publish.empty()) return;
  NetInterface* nic = nullptr;
  for (auto& i : m_ifs)
    if (!nic && i.type == "user") nic = &i;
  if (!nic) {
    m_ifs.push_back(NetInterface{.tag = free_tag(), .type = "user"});
    nic = &m_ifs.back();
  }
  std::string guest;
  for (const auto& a : m_addrs)
    if (a.tag == nic->tag && a.type == "inet" && a.method == "static") guest = a.addr;
  for (const auto& f : m_publish)
    nic->options.push_back("hostfwd=" + f.proto + ":" + f.host_addr + ":" + std::to_string(f.host_port) + "-" +
                           guest + ":" + std::to_string(f.guest_port));
}

// A user-mode interface given a static IPv4 address: QEMU's network is
// 10.0.2.0/24 with itself at .2 unless told otherwise, so tell it the
// guest's network (and gateway), or nothing would answer the guest.
void NetPlan::fit_user_networks() {
  for (auto& nic : m_ifs) {
    if (nic.type != "user") continue;
    bool has_net = false, has_host = false;
    for (const auto& o : nic.options) {
      has_net = has_net || option_key(o) == "net";
      has_host = has_host || option_key(o) == "host";
    }
    for (const auto& a : m_addrs) {
      if (a.tag != nic.tag || a.type != "inet" || a.method != "static" || has_net) continue;
      unsigned bits = static_cast<unsigned>(std::stoul(a.mask));
      if (bits > kMaxUserNetBits) continue;  // no room for QEMU's .2, .3 and .15
      uint32_t network = *parse_ipv4(a.addr) & ipv4_mask(bits);
      nic.options.push_back("net=" + format_ipv4(network) + "/" + a.mask);
      if (!a.gw.empty() && !has_host) nic.options.push_back("host=" + a.gw);
    }
  }
}

void NetPlan::check_forwards() const {
  std::set<std::string> ports;
  for (const auto& nic : m_ifs) {
    for (const auto& opt : nic.options) {
      if (option_key(opt) != "hostfwd") continue;
      Forward f = parse_hostfwd(opt.substr(8), "run: " + nic.tag);
      std::string key = f.proto + " port " + std::to_string(f.host_port);
      if (!ports.insert(key).second) throw UsageError("run: host " + key + " is forwarded twice");
    }
  }
}

void NetPlan::assign_macs(const std::string& instance) {
  std::set<std::string> used;
  for (auto& nic : m_ifs) {
    for (const auto& opt : nic.options) {
      if (option_key(opt) != "mac") continue;
      nic.mac = normalize_mac(opt.substr(4));
      if (!used.insert(nic.mac).second) throw UsageError("run: -I " + nic.tag + ": MAC " + nic.mac + " is used twice");
    }
  }
  // Derived: stable for a given instance name and interface index, so a
  // guest started with -N keeps its MACs (and its DHCP leases) across runs.
  for (size_t i = 0; i < m_ifs.size(); ++i) {
    NetInterface& nic = m_ifs[i];
    for (unsigned salt = 0; nic.mac.empty(); ++salt) {
      uint64_t h = mac_hash(instance + "/" + std::to_string(i) + (salt ? "/" + std::to_string(salt) : ""));
      char mac[18];
      std::snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x", unsigned(h >> 16 & 255), unsigned(h >> 8 & 255),
                    unsigned(h & 255));
      if (used.insert(mac).second) nic.mac = mac;
    }
  }
}

void NetPlan::finish(const std::string& instance) {
  if (m_used_interface && m_used_legacy)
    throw UsageError("run: -n cannot be combined with -I (as in Rumprun); use -I TAG,user with -W TAG,...");
  for (const auto& a : m_addrs) {
    if (find(a.tag)) continue;
    std::string known;
    for (const auto& i : m_ifs) known += (known.empty() ? "" : ", ") + i.tag;
    throw UsageError("run: -W " + a.tag + "," + a.type + ",...: no -I " + a.tag + ",TYPE gives the tag " + a.tag +
                     (known.empty() ? "" : " (tags: " + known + ")"));
  }
  fit_user_networks();
  forward_ports();
  check_forwards();
  assign_macs(instance);
  m_entries.clear();
  for (size_t i = 0; i < m_ifs.size(); ++i) {
    NetInterface& nic = m_ifs[i];
    nic.name = "eth" + std::to_string(i);
    NetEntry base{.ifname = nic.name, .tag = nic.tag, .mac = nic.mac};
    size_t before = m_entries.size();
    for (const auto& a : m_addrs) {
      if (a.tag != nic.tag) continue;
      NetEntry e = base;
      e.type = a.type, e.method = a.method, e.addr = a.addr, e.mask = a.mask, e.gw = a.gw;
      m_entries.push_back(std::move(e));
    }
    if (m_entries.size() == before) {
      // No -W: QEMU's user-mode network runs a DHCP server, so ask it;
      // a tap interface comes up without an address.
      NetEntry e = base;
      e.type = "inet";
      e.method = nic.type == "user" ? "dhcp" : "none";
      m_entries.push_back(std::move(e));
    }
  }
}

}  // namespace kiln::cli
