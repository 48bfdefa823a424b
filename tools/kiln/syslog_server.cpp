#include "syslog_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <optional>

#include "errors.h"
#include "ip_addr.h"
#include "util.h"

namespace kiln::cli {

namespace {

[[noreturn]] void bad(std::string_view spec, const std::string& why) {
  throw UsageError("run: --syslog wants HOST[:PORT] (a name, an IPv4 address or [IPv6]), not '" +
                   std::string(spec) + "': " + why);
}

bool is_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.front() == '-' || name.front() == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  return true;
}

// The text the kernel's parser takes: dotted IPv4, or RFC 5952 IPv6; an
// IPv4-mapped IPv6 address is the IPv4 one. nullopt for the unspecified
// address, which no datagram can go to.
std::optional<std::string> kernel_address(std::string_view text) {
  if (auto v4 = parse_ipv4(text)) return *v4 ? std::optional(format_ipv4(*v4)) : std::nullopt;
  auto v6 = parse_ipv6(text);
  if (!v6) return std::nullopt;
  const Ipv6& a = *v6;
  bool mapped = a[10] == 0xff && a[11] == 0xff, unspecified = true;
  for (size_t i = 0; i < 10; i++) mapped = mapped && a[i] == 0;
  for (uint8_t b : a) unspecified = unspecified && b == 0;
  if (unspecified) return std::nullopt;
  if (mapped) return format_ipv4(uint32_t(a[12]) << 24 | a[13] << 16 | a[14] << 8 | a[15]);
  return format_ipv6(a);
}

}  // namespace

SyslogServer parse_syslog_server(std::string_view spec) {
  SyslogServer s;
  std::string_view host = spec, port;
  if (spec.starts_with('[')) {
    size_t close = spec.find(']');
    if (close == std::string_view::npos) bad(spec, "no ']' after the IPv6 address");
    host = spec.substr(1, close - 1);
    std::string_view rest = spec.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) bad(spec, "':PORT' or nothing may follow ']'");
    if (!parse_ipv6(host)) bad(spec, "'" + std::string(host) + "' is not an IPv6 address");
    if (!rest.empty()) port = rest.substr(1);
  } else if (size_t colon = spec.find(':'); colon != std::string_view::npos) {
    if (spec.find(':', colon + 1) == std::string_view::npos) {
      host = spec.substr(0, colon);
      port = spec.substr(colon + 1);
    } else if (!parse_ipv6(spec)) {
      bad(spec, "an IPv6 address with a port is written [ADDRESS]:PORT");
    }
  }
  if (host.empty()) bad(spec, "no HOST");
  if (!parse_ipv6(host) && !parse_ipv4(host) && !is_host_name(host))
    bad(spec, "'" + std::string(host) + "' is neither an address nor a host name");
  uint64_t value = kSyslogPort;
  if (spec.ends_with(':') || (!port.empty() && !parse_uint(port, 1, 65535, value)))
    bad(spec, "the port is a number from 1 to 65535");
  s.host = host;
  s.port = static_cast<uint16_t>(value);
  return s;
}

std::string resolve_syslog_host(const std::string& host) {
  if (auto text = kernel_address(host)) return *text;
  if (parse_ipv4(host) || parse_ipv6(host))
    throw Failure("run: --syslog " + host + ": the unspecified address cannot be sent to");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  if (int err = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); err != 0)
    throw Failure("run: --syslog: cannot resolve " + host + ": " + ::gai_strerror(err));
  char text[INET6_ADDRSTRLEN] = "";
  const sockaddr* sa = found->ai_addr;
  if (sa->sa_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  else
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  ::freeaddrinfo(found);
  if (auto address = kernel_address(text)) return *address;
  throw Failure("run: --syslog: " + host + " resolves to " + text + ", which cannot be sent to");
}

}  // namespace kiln::cli
