// An IP address and UDP port, IPv4 or IPv6: where an IKE datagram came from or
// goes to. Plain data with no Linux headers (io/ converts to and from
// sockaddr). Used by the Endpoint interface (on_datagram, Send), the config
// model and NAT detection (RFC 7296 §2.23 hashes the address octets and port).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/bytes.h"

namespace tern::ike {

enum class AddressFamily : uint8_t { ipv4, ipv6 };

struct Address {
  AddressFamily family = AddressFamily::ipv4;
  std::array<uint8_t, 16> ip{};  // IPv4 uses the first 4 octets; the rest stay zero
  uint16_t port = 0;

  static Address ipv4(const std::array<uint8_t, 4>& octets, uint16_t port);
  static Address ipv6(const std::array<uint8_t, 16>& octets, uint16_t port);

  // The address octets in network order: 4 for IPv4, 16 for IPv6.
  ByteView ip_bytes() const { return ByteView(ip.data(), family == AddressFamily::ipv4 ? 4 : 16); }
  Address with_port(uint16_t new_port) const {
    Address a = *this;
    a.port = new_port;
    return a;
  }
  bool same_ip(const Address& other) const { return family == other.family && ip == other.ip; }
  // This address with all but the first `prefix_len` bits of the IP zero (port kept).
  Address masked(uint8_t prefix_len) const;
  // Whether this IP lies in network/prefix_len (same family).
  bool in_prefix(const Address& network, uint8_t prefix_len) const {
    return family == network.family && masked(prefix_len).ip == network.masked(prefix_len).ip;
  }

  // "192.0.2.1:500", "[2001:db8::1]:4500"
  std::string to_string() const;

  friend bool operator==(const Address&, const Address&) = default;
};

}  // namespace tern::ike
