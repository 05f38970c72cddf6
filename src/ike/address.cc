// Address constructors and text form (see address.h).
#include "ike/address.h"

#include <fmt/format.h>

#include <algorithm>

#include "wire/ts_payload.h"

namespace tern::ike {

Address Address::ipv4(const std::array<uint8_t, 4>& octets, uint16_t port) {
  Address a;
  a.family = AddressFamily::ipv4;
  std::copy(octets.begin(), octets.end(), a.ip.begin());
  a.port = port;
  return a;
}

Address Address::ipv6(const std::array<uint8_t, 16>& octets, uint16_t port) {
  Address a;
  a.family = AddressFamily::ipv6;
  a.ip = octets;
  a.port = port;
  return a;
}

Address Address::masked(uint8_t prefix_len) const {
  Address a = *this;
  const size_t octets = family == AddressFamily::ipv4 ? 4 : 16;
  for (size_t i = 0; i < octets; ++i) {
    const size_t first_bit = i * 8;
    if (prefix_len >= first_bit + 8) continue;
    const size_t keep = prefix_len > first_bit ? prefix_len - first_bit : 0;
    a.ip[i] = static_cast<uint8_t>(a.ip[i] & static_cast<uint8_t>(0xff00u >> keep));
  }
  return a;
}

std::string Address::to_string() const {
  std::string ip_text = wire::ip_address_to_string(ip_bytes());
  if (family == AddressFamily::ipv6) return fmt::format("[{}]:{}", ip_text, port);
  return fmt::format("{}:{}", ip_text, port);
}

}  // namespace tern::ike
