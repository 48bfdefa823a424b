// kiln run --syslog HOST[:PORT]: the remote server the guest's /dev/log
// messages go to, over UDP (the kernel's init/syslog_remote.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kiln::cli {

inline constexpr uint16_t kSyslogPort = 514;  // RFC 5426 §3.3

struct SyslogServer {
  std::string host;  // a name, an IPv4 address, or an IPv6 one (without its brackets)
  uint16_t port = kSyslogPort;
};

// "HOST", "HOST:PORT", "[IPV6]:PORT", "[IPV6]" or a bare IPV6. Pure; throws
// UsageError.
SyslogServer parse_syslog_server(std::string_view spec);

// The address the kernel sends to, as text it parses: HOST itself when it
// is an address, else the host's resolver's first answer (the guest has no
// resolver of its own). Throws Failure.
std::string resolve_syslog_host(const std::string& host);

}  // namespace kiln::cli
