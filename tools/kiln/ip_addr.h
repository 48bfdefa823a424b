// IPv4 and IPv6 addresses as -W and -p write them: strict parsing, and the
// canonical text the boot configuration carries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::cli {

// Dotted quad, four decimal numbers 0-255 without leading zeros
// ("10.0.2.15"); host byte order.
std::optional<uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(uint32_t addr);
// The netmask of a prefix length 0-32.
uint32_t ipv4_mask(unsigned bits);

using Ipv6 = std::array<uint8_t, 16>;
// Any form inet_pton accepts ("fd00::1", "2001:db8:0:0::5").
std::optional<Ipv6> parse_ipv6(std::string_view text);
// RFC 5952 text ("fd00::1").
std::string format_ipv6(const Ipv6& addr);

}  // namespace kiln::cli
