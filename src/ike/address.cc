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

std::string Address::to_string() const {
  std::string ip_text = wire::ip_address_to_string(ip_bytes());
  if (family == AddressFamily::ipv6) return fmt::format("[{}]:{}", ip_text, port);
  return fmt::format("{}:{}", ip_text, port);
}

}  // namespace tern::ike
