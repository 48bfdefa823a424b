#include "ip_addr.h"

#include <arpa/inet.h>

#include <charconv>

namespace kiln::cli {

std::optional<uint32_t> parse_ipv4(std::string_view text) {
  uint32_t addr = 0;
  for (int part = 0; part < 4; ++part) {
    if (part) {
      if (text.empty() || text[0] != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 3 || (digits > 1 && text[0] == '0')) return std::nullopt;
    unsigned value = 0;
    std::from_chars(text.data(), text.data() + digits, value);
    if (value > 255) return std::nullopt;
    addr = addr << 8 | value;
    text.remove_prefix(digits);
  }
  if (!text.empty()) return std::nullopt;
  return addr;
}

std::string format_ipv4(uint32_t addr) {
  return std::to_string(addr >> 24) + "." + std::to_string(addr >> 16 & 255) + "." +
         std::to_string(addr >> 8 & 255) + "." + std::to_string(addr & 255);
}

uint32_t ipv4_mask(unsigned bits) { return bits == 0 ? 0 : ~uint32_t(0) << (32 - bits); }

std::optional<Ipv6> parse_ipv6(std::string_view text) {
  Ipv6 addr{};
  std::string copy(text);
  if (text.empty() || ::inet_pton(AF_INET6, copy.c_str(), addr.data()) != 1) return std::nullopt;
  return addr;
}

std::string format_ipv6(const Ipv6& addr) {
  char buf[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, addr.data(), buf, sizeof buf);
  return buf;
}

}  // namespace kiln::cli
